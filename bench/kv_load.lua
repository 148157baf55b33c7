-- wrk script for bench/compare_etcd.sh and bench/cluster_bench.sh: the same logical load for a RaftLab
-- node and an etcd member.
--   wrk -t2 -c16 -d10s --latency -s bench/kv_load.lua http://127.0.0.1:PORT -- <mode> <prefix> [read key]
-- Modes:
--   raftlab-put  PUT /kv/<key> with the 100-byte value as the body
--   etcd-put     POST /v3/kv/put {"key": base64(<key>), "value": base64(<value>)} (etcd's v3 HTTP gateway)
--   raftlab-get  GET /kv/<read key> (linearizable, the default)
--   etcd-range   POST /v3/kv/range {"key": base64(<read key>)} (linearizable, etcd's default)
-- Every write is a new key, <prefix>-<thread>-<12-digit counter> padded so that its fixed part is a
-- multiple of 3 bytes long: its base64 is then the fixed part's (computed once) followed by the
-- counter's, and the client spends the same few instructions per request on either system.
-- done() prints one machine-readable line:
--   RESULT requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N p999_us=N max_us=N non200=N
--          connect_errors=N read_errors=N write_errors=N timeouts=N
-- non200 counts every answer whose status is not 200 (wrk's own "Non-2xx or 3xx" only counts >= 400),
-- and FIRST_NON200 shows the first such answer.

local threads = {}
local thread_counter = 0

function setup(thread)
    thread_counter = thread_counter + 1
    thread:set("tid", thread_counter)
    table.insert(threads, thread)
end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local b64chars = {}
for i = 1, 64 do
    b64chars[i - 1] = string.sub(alphabet, i, i)
end

local function base64(text)
    local out = {}
    local n = #text
    for i = 1, n, 3 do
        local a, b, c = string.byte(text, i, i + 2)
        local bits = a * 65536 + (b or 0) * 256 + (c or 0)
        local c1 = math.floor(bits / 262144) % 64
        local c2 = math.floor(bits / 4096) % 64
        local c3 = math.floor(bits / 64) % 64
        local c4 = bits % 64
        out[#out + 1] = b64chars[c1] .. b64chars[c2] .. (b and b64chars[c3] or "=") .. (c and b64chars[c4] or "=")
    end
    return table.concat(out)
end

local mode
local fixed -- the key's fixed part, a multiple of 3 bytes
local fixed64
local counter = 0
local value = string.rep("v", 100)
local value64 = base64(value)
local read_key
local read_body
local raw_headers = { ["Content-Type"] = "application/octet-stream" }
local json_headers = { ["Content-Type"] = "application/json" }
non200 = 0
first_bad = ""

function init(args)
    mode = args[1] or "raftlab-put"
    local prefix = args[2] or tostring(math.random(1, 1000000000))
    read_key = args[3] or "k"
    fixed = prefix .. "-" .. tostring(tid) .. "-"
    while #fixed % 3 ~= 0 do
        fixed = fixed .. "-"
    end
    fixed64 = base64(fixed)
    read_body = '{"key":"' .. base64(read_key) .. '"}'
    if mode ~= "raftlab-put" and mode ~= "etcd-put" and mode ~= "raftlab-get" and mode ~= "etcd-range" then
        error("unknown mode " .. mode)
    end
end

function request()
    if mode == "raftlab-get" then
        return wrk.format("GET", "/kv/" .. read_key)
    elseif mode == "etcd-range" then
        return wrk.format("POST", "/v3/kv/range", json_headers, read_body)
    end
    counter = counter + 1
    local digits = string.format("%012d", counter)
    if mode == "raftlab-put" then
        return wrk.format("PUT", "/kv/" .. fixed .. digits, raw_headers, value)
    end
    return wrk.format("POST", "/v3/kv/put", json_headers,
        '{"key":"' .. fixed64 .. base64(digits) .. '","value":"' .. value64 .. '"}')
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
