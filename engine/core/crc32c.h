#pragma once

#include <cstddef>
#include <cstdint>

namespace raftlab {

// CRC-32C (Castagnoli, iSCSI polynomial 0x1EDC6F41, RFC 3720 §B.4), the checksum of every log record,
// the term/vote record and snapshot files, and of a snapshot sent to a follower. Pure computation: it
// uses the SSE4.2 instruction when the CPU has it, else slicing-by-8. Chains: passing the CRC of `a`
// as `crc` gives the CRC of `a` followed by `data`, so a message received in chunks is checked as it
// arrives.
std::uint32_t crc32c(const void *data, std::size_t size, std::uint32_t crc = 0);

} // namespace raftlab
