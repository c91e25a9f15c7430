-- SPDX-License-Identifier: GPL-2.0
--
-- xtcp for Wireshark and tshark: TCP's header over IP protocol 253.
--
--   tshark -X lua_script:tools/xtcp.lua -r capture.pcap
--   (or copy this file into ~/.local/lib/wireshark/plugins/)
--
-- The dissector claims the IP protocol (preference xtcp.ipproto, 253
-- by default: the module's "ipproto" parameter), checks the checksum
-- with the IP header's own protocol number in the pseudo-header, as
-- xtcp computes it (TCP's dissector always puts 6 there, so with its
-- own checking on it would call every xtcp segment bad), shows the result as xtcp.checksum.status with an
-- expert error on a bad one, then hands the segment to the TCP
-- dissector, so that flags, options, sequence analysis, streams and
-- "Follow TCP Stream" work as for TCP, and its own checksum check
-- (tcp.check_checksum) agrees with ours (see as_tcp()).
--
-- A segment captured before the device finished its checksum (a
-- super-segment on the sender's side of an interface with offloads
-- on) carries only the pseudo-header's sum and shows as bad, as such
-- TCP segments do in Wireshark.

local xtcp = Proto("xtcp", "xtcp, TCP's header over its own IP protocol")

local status_names = { [0] = "Bad", [1] = "Good", [2] = "Unverified" }
local f_checksum = ProtoField.uint16("xtcp.checksum", "Checksum", base.HEX)
local f_calculated = ProtoField.uint16("xtcp.checksum.calculated",
	"Calculated checksum", base.HEX)
local f_status = ProtoField.uint8("xtcp.checksum.status", "Checksum status",
	base.DEC, status_names)
local f_proto = ProtoField.uint8("xtcp.pseudo_proto",
	"Protocol in the pseudo-header", base.DEC)
xtcp.fields = { f_checksum, f_calculated, f_status, f_proto }

local e_bad = ProtoExpert.new("xtcp.checksum.bad",
	"Bad xtcp checksum (pseudo-header with the IP protocol number)",
	expert.group.CHECKSUM, expert.severity.ERROR)
xtcp.experts = { e_bad }

xtcp.prefs.ipproto = Pref.uint("IP protocol", 253,
	"The IP protocol xtcp runs over (the module's ipproto parameter)")
xtcp.prefs.check_checksum = Pref.bool("Validate the checksum", true,
	"Check each segment's checksum with the IP protocol in the pseudo-header")

local ip_src = Field.new("ip.src")
local ip_dst = Field.new("ip.dst")
local ip_proto = Field.new("ip.proto")
local tcp = Dissector.get("tcp")

-- The last (innermost) value of a field in this packet.
local function last(field)
	local all = { field() }
	return all[#all]
end

-- The 16-bit one's complement sum of a ByteArray, added to @sum.
local function sum16(bytes, sum)
	local n = bytes:len()
	for i = 0, n - 2, 2 do
		sum = sum + bytes:get_index(i) * 256 + bytes:get_index(i + 1)
	end
	if n % 2 == 1 then
		sum = sum + bytes:get_index(n - 1) * 256
	end
	return sum
end

-- Arithmetic rather than bit operators: Wireshark 4.0 runs Lua 5.2.
local function fold(sum)
	while sum > 0xffff do
		sum = sum % 0x10000 + math.floor(sum / 0x10000)
	end
	return sum
end

-- Return: status (0 bad, 1 good, 2 unverified), the computed checksum.
local function check(tvb)
	local src, dst, proto = last(ip_src), last(ip_dst), last(ip_proto)
	local len = tvb:len()

	if not src or not dst or not proto or len < 20 or
	   tvb:reported_length_remaining() > len then
		return 2, nil	-- no IPv4 header, or the capture was cut short
	end
	local pseudo = ByteArray.new()
	pseudo:append(src.range:bytes())
	pseudo:append(dst.range:bytes())
	pseudo:append(ByteArray.new(string.format("00 %02x %02x %02x",
		proto.value, math.floor(len / 256), len % 256)))
	local data = tvb:bytes()
	local stored = tvb(16, 2):uint()
	data:set_index(16, 0)
	data:set_index(17, 0)
	local computed = 0xffff - fold(sum16(data, sum16(pseudo, 0)))
	return computed == stored and 1 or 0, computed, proto.value
end

--[[
TCP's dissector checks (when tcp.check_checksum is on) with 6 in the
pseudo-header.  It gets a copy whose checksum field is moved by the
difference, proto - 6, with the end-around carry: the copy is valid for
6 exactly when the segment is valid for proto, so TCP's status agrees
with ours.  The copy is a data source of its own ("xtcp as TCP"); the
checksum on the wire is xtcp.checksum.
]]
local function as_tcp(tvb, proto)
	local data = tvb:bytes()
	local c = tvb(16, 2):uint() + (proto - 6) % 0xffff

	c = fold(c)
	-- A sender computes ~sum, and a sum of data is never 0: the field
	-- is 0x0000, never 0xffff, which TCP's dissector calls illegal (RFC
	-- 1624).  Both are zero in one's complement; keep the sender's.
	if c == 0xffff then
		c = 0
	end
	data:set_index(16, math.floor(c / 256))
	data:set_index(17, c % 256)
	return data:tvb("xtcp as TCP")
end

function xtcp.dissector(tvb, pinfo, tree)
	local status, computed, proto = 2, nil, nil

	if xtcp.prefs.check_checksum then
		status, computed, proto = check(tvb)
	end
	if proto and proto ~= 6 then
		tcp:call(as_tcp(tvb, proto), pinfo, tree)
	else
		tcp:call(tvb, pinfo, tree)
	end
	pinfo.cols.protocol = "xtcp"
	local item = tree:add(xtcp, tvb(0, math.min(tvb:len(), 20)))
	if tvb:len() >= 18 then
		item:add(f_checksum, tvb(16, 2))
	end
	if computed then
		item:add(f_calculated, computed):set_generated()
		item:add(f_proto, proto):set_generated()
	end
	item:add(f_status, status):set_generated()
	if status == 0 then
		item:add_proto_expert_info(e_bad)
		pinfo.cols.info:append(" [xtcp checksum bad]")
	end
	return tvb:len()
end

local registered

local function register()
	local table = DissectorTable.get("ip.proto")

	if registered then
		table:remove(registered, xtcp)
	end
	registered = xtcp.prefs.ipproto
	table:add(registered, xtcp)
end

function xtcp.prefs_changed()
	register()
end

register()
