-- bench/workspace.lua — a case worker's day for wrk, one user per thread
-- (run wrk with as many threads as connections, so that each connection
-- is one user with her own token and her own organisation's cases).
--
--   wrk -t50 -c50 -d20s -s bench/workspace.lua URL -- MODE USERS_FILE
--
-- MODE is "url" (the URL given, without a token), "mix" (the day: lists, searches, case pages, timelines, plans,
-- a note written, a task done; about nine requests in ten read), "me"
-- (GET /api/v1/me) or "case" (GET /api/v1/cases/{id}). USERS_FILE has a
-- line per user, tab-separated: the API token, then comma-separated case
-- ids, their references, the ids of cases with a support plan, and open
-- tasks as CASE_ID:TASK_ID. done() prints one line for bench/workspace.sh:
--   RESULT requests rps p50_ms p95_ms p99_ms errors
-- where errors counts answers of 400 or more and socket errors.

local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
end

local function split(s, sep)
	local out = {}
	for part in string.gmatch(s or "", "[^" .. sep .. "]+") do
		table.insert(out, part)
	end
	return out
end

local mode, headers, cases, refs, plans, tasks
local ops, total = {}, 0

-- The mix, as weights out of 100: 90 reads, 10 writes.
local function op(weight, fn)
	total = total + weight
	table.insert(ops, { upto = total, fn = fn })
end

local function any(list)
	return list[math.random(#list)]
end

function init(args)
	mode = args[1] or "mix"
	local lines = {}
	for line in io.lines(args[2]) do
		table.insert(lines, line)
	end
	local fields = split(lines[(id - 1) % #lines + 1], "\t")
	headers = { ["Authorization"] = "Bearer " .. fields[1], ["Accept"] = "application/json" }
	cases, refs = split(fields[2], ","), split(fields[3], ",")
	plans, tasks = split(fields[4], ","), split(fields[5], ",")
	math.randomseed(os.time() * 100 + id)

	local filters = { "status=reasonable_grounds", "step=long_term_support", "risk_level=high", "deadline=week", "pathway=return" }
	op(20, function() return wrk.format("GET", "/api/v1/cases", headers) end)
	op(12, function() return wrk.format("GET", "/api/v1/cases?" .. any(filters), headers) end)
	op(10, function() return wrk.format("GET", "/api/v1/cases?reference=" .. string.sub(any(refs), 1, 5), headers) end)
	op(25, function() return wrk.format("GET", "/api/v1/cases/" .. any(cases), headers) end)
	op(12, function() return wrk.format("GET", "/api/v1/cases/" .. any(cases) .. "/timeline", headers) end)
	op(11, function()
		if #plans == 0 then
			return wrk.format("GET", "/api/v1/cases/" .. any(cases), headers)
		end
		return wrk.format("GET", "/api/v1/cases/" .. any(plans) .. "/plan", headers)
	end)
	local post = { ["Authorization"] = headers["Authorization"], ["Content-Type"] = "application/json" }
	op(6, function()
		return wrk.format("POST", "/api/v1/cases/" .. any(cases) .. "/notes", post,
			'{"body":"Telefonuppföljning: allt lugnt. (Skriven under ett belastningstest.)","sensitivity":"team"}')
	end)
	op(4, function()
		if #tasks == 0 then
			return wrk.format("GET", "/api/v1/cases/" .. any(cases) .. "/tasks", headers)
		end
		local t = split(any(tasks), ":")
		return wrk.format("POST", "/api/v1/cases/" .. t[1] .. "/tasks/" .. t[2] .. "/done", post)
	end)
end

function request()
	if mode == "url" then
		return wrk.format()
	elseif mode == "me" then
		return wrk.format("GET", "/api/v1/me", headers)
	elseif mode == "case" then
		return wrk.format("GET", "/api/v1/cases/" .. cases[1], headers)
	end
	local n = math.random(total)
	for _, o in ipairs(ops) do
		if n <= o.upto then
			return o.fn()
		end
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	local errors = e.status + e.connect + e.read + e.write + e.timeout
	io.write(string.format("RESULT %d %.1f %.2f %.2f %.2f %d\n", summary.requests,
		summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
		latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
