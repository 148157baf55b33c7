#include "crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace raftlab {

namespace {

constexpr std::uint32_t reflectedPolynomial = 0x82F63B78u;

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables makeTables()
{
    Tables tables{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ ((crc & 1u) ? reflectedPolynomial : 0u);
        tables[0][i] = crc;
    }
    for (std::size_t t = 1; t < 8; ++t) {
        for (std::size_t i = 0; i < 256; ++i)
            tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xFFu];
    }
    return tables;
}

constexpr Tables tables = makeTables();

std::uint32_t crc32cPortable(const unsigned char *p, std::size_t size, std::uint32_t crc)
{
    while (size >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        word ^= crc; // little-endian: the low 32 bits meet the running CRC
        crc = tables[7][word & 0xFF] ^ tables[6][(word >> 8) & 0xFF] ^ tables[5][(word >> 16) & 0xFF] ^
            tables[4][(word >> 24) & 0xFF] ^ tables[3][(word >> 32) & 0xFF] ^ tables[2][(word >> 40) & 0xFF] ^
            tables[1][(word >> 48) & 0xFF] ^ tables[0][word >> 56];
        p += 8;
        size -= 8;
    }
    while (size--)
        crc = (crc >> 8) ^ tables[0][(crc ^ *p++) & 0xFFu];
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t crc32cHardware(const unsigned char *p, std::size_t size,
                                                               std::uint32_t crc)
{
    std::uint64_t crc64 = crc;
    while (size >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        crc64 = _mm_crc32_u64(crc64, word);
        p += 8;
        size -= 8;
    }
    auto crc32 = static_cast<std::uint32_t>(crc64);
    while (size--)
        crc32 = _mm_crc32_u8(crc32, *p++);
    return crc32;
}

const bool hasHardwareCrc = __builtin_cpu_supports("sse4.2");
#endif

} // namespace

std::uint32_t crc32c(const void *data, std::size_t size, std::uint32_t crc)
{
    const auto *p = static_cast<const unsigned char *>(data);
    crc = ~crc;
#if defined(__x86_64__)
    if (hasHardwareCrc)
        return ~crc32cHardware(p, size, crc);
#endif
    return ~crc32cPortable(p, size, crc);
}

} // namespace raftlab
