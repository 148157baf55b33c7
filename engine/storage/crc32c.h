#pragma once

// The checksum of every log record, the term/vote record and snapshot files. It lives with the pure
// core, which checks the snapshots it receives from a leader with the same function.
#include "core/crc32c.h"
