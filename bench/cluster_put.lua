-- wrk script for bench/cluster_bench.sh: every request is a PUT of a new key (/kv/<prefix>-<thread>-<n>)
-- with a 100-byte value, so each one is a fresh Raft entry (no overwrite of an existing key).
--   wrk -t2 -c64 -d10s --latency -s bench/cluster_put.lua http://127.0.0.1:PORT -- <prefix>
-- <prefix> keeps keys of separate runs apart (default: a random number).
-- done() prints one machine-readable line:
--   RESULT requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N p999_us=N max_us=N non200=N
--          connect_errors=N read_errors=N write_errors=N timeouts=N
-- non200 counts every answer whose status is not 200 (wrk's own "Non-2xx or 3xx" only counts >= 400).

local threads = {}
local thread_counter = 0

function setup(thread)
    thread_counter = thread_counter + 1
    thread:set("tid", thread_counter)
    table.insert(threads, thread)
end

local prefix
local counter = 0
local value = string.rep("v", 100)
local headers = { ["Content-Type"] = "application/octet-stream" }
non200 = 0
first_bad = ""

function init(args)
    prefix = args[1] or tostring(math.random(1, 1000000000))
    prefix = prefix .. "-" .. tostring(tid)
end

function request()
    counter = counter + 1
    return wrk.format("PUT", "/kv/" .. prefix .. "-" .. counter, headers, value)
end

function response(status, resp_headers, body)
    if status ~= 200 then
        non200 = non200 + 1
        if first_bad == "" then
            first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 200)
        end
    end
end

function done(summary, latency, requests)
    local bad = 0
    local sample = ""
    for _, thread in ipairs(threads) do
        bad = bad + (thread:get("non200") or 0)
        local first = thread:get("first_bad")
        if sample == "" and first ~= nil and first ~= "" then
            sample = first
        end
    end
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d " ..
        "non200=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
        summary.requests, summary.duration, summary.requests / seconds,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
        latency.max, bad, summary.errors.connect, summary.errors.read, summary.errors.write,
        summary.errors.timeout))
    if sample ~= "" then
        io.write("FIRST_NON200 " .. string.gsub(sample, "\n", " ") .. "\n")
    end
end
