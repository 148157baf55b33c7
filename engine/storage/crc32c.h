#pragma once

#include <cstddef>
#include <cstdint>

namespace raftlab {

// CRC-32C (Castagnoli, iSCSI polynomial 0x1EDC6F41, RFC 3720 §B.4), the checksum of every log record,
// the term/vote record and snapshots. Uses the SSE4.2 instruction when the CPU has it, else slicing-by-8.
std::uint32_t crc32c(const void *data, std::size_t size, std::uint32_t crc = 0);

} // namespace raftlab
