using System.Buffers.Binary;

namespace Reference.Oracle;

/// <summary>
/// Reads the TLS connection out of a pcap or pcapng capture: link layers Ethernet (1), BSD loopback (0),
/// raw IP (101), Linux cooked v1 (113) and v2 (276); IPv4 and IPv6; TCP reassembled per direction by
/// sequence number (retransmissions and overlaps dropped). The connection is the first TCP stream whose
/// client sends a TLS handshake record; its client is the side that sent the SYN, or else that record.
/// </summary>
internal static class PcapReader
{
    private const uint PcapMagic = 0xA1B2C3D4;
    private const uint PcapMagicNs = 0xA1B23C4D;
    private const uint PcapngSectionHeader = 0x0A0D0D0A;

    public static bool IsCapture(ReadOnlySpan<byte> file) =>
        file.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(file) is PcapMagic or PcapMagicNs or PcapngSectionHeader
            || file.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(file) is PcapMagic or PcapMagicNs;

    public static Transcript Read(byte[] file)
    {
        var packets = BinaryPrimitives.ReadUInt32LittleEndian(file) == PcapngSectionHeader ? ReadPcapng(file) : ReadPcap(file);
        var segments = new List<TcpSegment>();
        foreach (var (linkType, frame) in packets)
        {
            if (ParseFrame(linkType, frame) is { } segment)
            {
                segments.Add(segment);
            }
        }

        return TcpReassembler.Reassemble(segments);
    }

    private static List<(uint LinkType, byte[] Frame)> ReadPcap(byte[] file)
    {
        bool big = BinaryPrimitives.ReadUInt32BigEndian(file) is PcapMagic or PcapMagicNs;
        uint U32(int at) => big ? BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
        uint linkType = U32(20) & 0x0FFFFFFF;
        var packets = new List<(uint, byte[])>();
        int offset = 24;
        while (offset + 16 <= file.Length)
        {
            int captured = checked((int)U32(offset + 8));
            offset += 16;
            if (captured < 0 || offset + captured > file.Length)
            {
                throw new InvalidDataException("pcap: truncated packet record");
            }

            packets.Add((linkType, file.AsSpan(offset, captured).ToArray()));
            offset += captured;
        }

        return packets;
    }

    private static List<(uint LinkType, byte[] Frame)> ReadPcapng(byte[] file)
    {
        var packets = new List<(uint, byte[])>();
        var interfaces = new List<uint>();
        bool big = false;
        int offset = 0;
        while (offset + 12 <= file.Length)
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));
            if (type == PcapngSectionHeader)
            {
                big = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 8)) != 0x1A2B3C4D;
                interfaces.Clear();
            }

            uint U32(int at) => big ? BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
            ushort U16(int at) => big ? BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(at)) : BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(at));
            type = U32(offset);
            int length = checked((int)U32(offset + 4));
            if (length < 12 || offset + length > file.Length)
            {
                throw new InvalidDataException("pcapng: bad block length");
            }

            if (type == 1)
            {
                interfaces.Add(U16(offset + 8));
            }
            else if (type == 6)
            {
                int iface = (int)U32(offset + 8);
                int captured = (int)U32(offset + 20);
                packets.Add((interfaces[iface], file.AsSpan(offset + 28, captured).ToArray()));
            }
            else if (type == 3 && interfaces.Count > 0)
            {
                int captured = Math.Min((int)U32(offset + 8), length - 16);
                packets.Add((interfaces[0], file.AsSpan(offset + 12, captured).ToArray()));
            }

            offset += length;
        }

        return packets;
    }

    /// <summary>Strips the link layer and IP header; null for anything that is not TCP.</summary>
    private static TcpSegment? ParseFrame(uint linkType, ReadOnlySpan<byte> frame)
    {
        int ipOffset;
        switch (linkType)
        {
            case 0: ipOffset = 4; break;
            case 1:
                ipOffset = 14;
                while (frame.Length >= ipOffset && BinaryPrimitives.ReadUInt16BigEndian(frame[(ipOffset - 2)..]) == 0x8100)
                {
                    ipOffset += 4;
                }

                break;
            case 101: case 12: ipOffset = 0; break;
            case 113: ipOffset = 16; break;
            case 276: ipOffset = 20; break;
            default: throw new InvalidDataException($"capture link type {linkType} is not supported");
        }

        return frame.Length > ipOffset ? ParseIp(frame[ipOffset..]) : null;
    }

    private static TcpSegment? ParseIp(ReadOnlySpan<byte> ip)
    {
        int version = ip[0] >> 4;
        string src, dst;
        ReadOnlySpan<byte> tcp;
        if (version == 4 && ip.Length >= 20)
        {
            int headerLength = (ip[0] & 0x0F) * 4;
            int total = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(ip[2..]), ip.Length);
            if (ip[9] != 6 || total < headerLength)
            {
                return null;
            }

            src = new System.Net.IPAddress(ip.Slice(12, 4)).ToString();
            dst = new System.Net.IPAddress(ip.Slice(16, 4)).ToString();
            tcp = ip[headerLength..total];
        }
        else if (version == 6 && ip.Length >= 40)
        {
            // Extension headers are not followed: loopback and test captures carry TCP directly.
            if (ip[6] != 6)
            {
                return null;
            }

            int payload = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(ip[4..]), ip.Length - 40);
            src = new System.Net.IPAddress(ip.Slice(8, 16)).ToString();
            dst = new System.Net.IPAddress(ip.Slice(24, 16)).ToString();
            tcp = ip.Slice(40, payload);
        }
        else
        {
            return null;
        }

        return ParseTcp(src, dst, tcp);
    }

    private static TcpSegment? ParseTcp(string src, string dst, ReadOnlySpan<byte> tcp)
    {
        if (tcp.Length < 20)
        {
            return null;
        }

        int dataOffset = (tcp[12] >> 4) * 4;
        if (dataOffset < 20 || dataOffset > tcp.Length)
        {
            return null;
        }

        var from = $"{src}:{BinaryPrimitives.ReadUInt16BigEndian(tcp)}";
        var to = $"{dst}:{BinaryPrimitives.ReadUInt16BigEndian(tcp[2..])}";
        byte flags = tcp[13];
        return new TcpSegment(from, to, BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]), (flags & 0x02) != 0, (flags & 0x10) != 0, tcp[dataOffset..].ToArray());
    }
}

internal sealed record TcpSegment(string From, string To, uint Sequence, bool Syn, bool Ack, byte[] Payload);

/// <summary>Orders each direction's TCP payload by sequence number and interleaves the directions by capture order.</summary>
internal static class TcpReassembler
{
    public static Transcript Reassemble(List<TcpSegment> segments)
    {
        var (client, server) = FindConnection(segments);
        var transcript = new Transcript();
        var next = new Dictionary<string, uint>();
        foreach (var s in segments)
        {
            bool c2s = s.From == client && s.To == server;
            if (!c2s && !(s.From == server && s.To == client))
            {
                continue;
            }

            if (s.Syn)
            {
                next[s.From] = s.Sequence + 1;
                continue;
            }

            if (s.Payload.Length == 0)
            {
                continue;
            }

            uint expected = next.TryGetValue(s.From, out var n) ? n : s.Sequence;
            int skip = (int)(expected - s.Sequence);
            if (skip < 0)
            {
                throw new InvalidDataException($"capture: {s.From} data is missing before sequence {s.Sequence} (lost or out-of-order segment)");
            }

            if (skip < s.Payload.Length)
            {
                transcript.Add(c2s ? Direction.ClientToServer : Direction.ServerToClient, s.Payload.AsSpan(skip));
                next[s.From] = expected + (uint)(s.Payload.Length - skip);
            }
        }

        return transcript;
    }

    private static (string Client, string Server) FindConnection(List<TcpSegment> segments)
    {
        foreach (var s in segments)
        {
            if (s.Syn && !s.Ack)
            {
                return (s.From, s.To);
            }

            // No handshake captured: the client is whoever sends a ClientHello record first.
            if (s.Payload is [0x16, 0x03, _, _, _, 0x01, ..])
            {
                return (s.From, s.To);
            }
        }

        throw new InvalidDataException("capture: no TCP connection carrying TLS found");
    }
}
