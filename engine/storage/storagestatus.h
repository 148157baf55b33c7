#pragma once

#include <QString>

namespace raftlab {

// The outcome of a storage operation: an operating error is a value, with one sentence for the user
// (never an exception). `Damaged` names the file and byte offset; the node exits 3 on it.
struct StorageStatus
{
    enum class Code {
        Ok,
        Locked, // another process holds the data dir
        NotOurs, // the data dir belongs to another node or another cluster (its identity record says so)
        Damaged, // a checksum or structure check failed: never served, never silently reset
        IoError, // the operating system refused (full disk, read-only, permissions, ...)
    };
    Code code = Code::Ok;
    QString message;

    bool ok() const { return code == Code::Ok; }
    static StorageStatus success() { return {}; }
    static StorageStatus damaged(const QString &message) { return {Code::Damaged, message}; }
    static StorageStatus ioError(const QString &message) { return {Code::IoError, message}; }
};

} // namespace raftlab
