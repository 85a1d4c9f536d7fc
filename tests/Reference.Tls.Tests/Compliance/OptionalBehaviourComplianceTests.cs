using Reference.Tls.Crypto;
using Reference.Tls.Extensions;
using Reference.Tls.Tests.Connection;
using Reference.Tls.Tests.Malformed;

namespace Reference.Tls.Tests.Compliance;

/// <summary>
/// The RFC's MAY and SHOULD clauses this engine takes up (RFC 8446 §4.2.3, §5.1, §7.4.2): each is a choice a peer
/// may rely on, so each is pinned here.
/// </summary>
public class OptionalBehaviourComplianceTests
{
    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Zero-length
    //# fragments of Application Data MAY be sent, as they are potentially
    //# useful as a traffic analysis countermeasure.
    [Fact]
    public void A_zero_length_application_data_record_is_sent_and_accepted()
    {
        using var pair = ConnectedPair();
        pair.Client.WriteApplicationData([]);
        var records = RecordsIn(pair.Client.PendingOutput.ToArray());
        Assert.Single(records);
        Assert.Equal(0x17, records[0].Type);
        InMemoryPair.Move(pair.Client, pair.Server);
        Assert.Equal(0, pair.Server.AvailableApplicationData);

        pair.Client.WriteApplicationData("after"u8);
        pair.Pump();
        Assert.Equal("after", Read(pair.Server));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Application Data fragments MAY be split across multiple records or
    //# coalesced into a single record.
    [Fact]
    public void Application_data_larger_than_a_record_is_split_and_reassembled_in_order()
    {
        using var pair = ConnectedPair();
        var data = Enumerable.Range(0, 40_000).Select(i => (byte)(i * 7)).ToArray();
        pair.Client.WriteApplicationData(data);
        var records = RecordsIn(pair.Client.PendingOutput.ToArray());
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.True(r.Length <= (1 << 14) + 256));
        pair.Pump();
        var received = new byte[data.Length];
        Assert.Equal(data.Length, pair.Server.ReadApplicationData(received));
        Assert.Equal(data, received);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
    //= type=test
    //# Handshake messages MAY be coalesced into a single TLSPlaintext record
    //# or fragmented across several records, provided that:
    [Fact]
    public void The_server_flight_is_coalesced_and_a_ClientHello_fragmented_into_small_records_is_accepted()
    {
        using var s = new Scenario();
        byte[] record = s.ClientHelloRecord();
        byte[] body = record[5..];
        for (int offset = 0; offset < body.Length; offset += 37)
        {
            int length = Math.Min(37, body.Length - offset);
            byte[] fragment = [0x16, 0x03, 0x01, (byte)(length >> 8), (byte)length, .. body.AsSpan(offset, length)];
            s.Server.Feed(fragment);
        }

        var flight = RecordsIn(s.Server.PendingOutput.ToArray());
        // ServerHello (plaintext), change_cipher_spec, then EncryptedExtensions..Finished coalesced in one record.
        Assert.Equal([0x16, 0x14, 0x17], flight.Select(r => r.Type).ToArray());
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# Implementations which have the same policy in both cases MAY omit the
    //# "signature_algorithms_cert" extension.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    //= type=test
    //# These values refer solely to signatures
    //# which appear in certificates (see Section 4.4.2.2) and are not
    //# defined for use in signed TLS handshake messages, although they MAY
    //# appear in "signature_algorithms" and "signature_algorithms_cert" for
    //# backward compatibility with TLS 1.2.
    [Fact]
    public void The_ClientHello_lists_PKCS1_for_certificates_and_omits_signature_algorithms_cert()
    {
        using var s = new Scenario();
        var hello = Scenario.ParseClientHello(s.ClientHelloRecord());
        Assert.Null(ExtensionBlock.Find(hello.Extensions, ExtensionType.SignatureAlgorithmsCert));
        var schemes = U16ListExtension.Decode(ExtensionBlock.Find(hello.Extensions, ExtensionType.SignatureAlgorithms)!, "signature_algorithms");
        Assert.Contains((ushort)SignatureScheme.RsaPkcs1Sha256, schemes);
        Assert.Contains((ushort)SignatureScheme.RsaPssRsaeSha256, schemes);
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
    //= type=test
    //# For these curves, implementations SHOULD use the approach
    //# specified in [RFC7748] to calculate the Diffie-Hellman shared secret.
    [Fact]
    public void X25519_reproduces_the_RFC7748_section_6_1_vectors()
    {
        byte[] alicePrivate = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        using var alice = KeyShare.X25519FromPrivate(alicePrivate);
        using var bob = KeyShare.X25519FromPrivate(bobPrivate);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alice.PublicKey));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bob.PublicKey));
        const string shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        Assert.Equal(shared, Convert.ToHexStringLower(alice.DeriveSharedSecret(bob.PublicKey)));
        Assert.Equal(shared, Convert.ToHexStringLower(bob.DeriveSharedSecret(alice.PublicKey)));
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //= type=test
    //# Because certificate validation requires that trust anchors be
    //# distributed independently, a certificate that specifies a trust
    //# anchor MAY be omitted from the chain, provided that supported peers
    //# are known to possess any omitted certificates.
    [Fact]
    public void A_chain_that_omits_its_trust_anchor_validates_against_the_clients_roots()
    {
        var pki = InMemoryPair.Pki(Reference.Tls.Certificates.KeyKind.EcdsaP256);
        var chain = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        chain.ImportFromPem(pki.ServerChainPem);
        using var root = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pki.CaPem);
        Assert.Equal(2, chain.Count);
        Assert.DoesNotContain(chain, c => c.RawData.AsSpan().SequenceEqual(root.RawData));
        using var pair = ConnectedPair();
        Assert.Equal(2, pair.Client.Info!.PeerCertificates.Count);
    }

    private static InMemoryPair ConnectedPair()
    {
        var (client, server) = InMemoryPair.Configs();
        var pair = new InMemoryPair(client, server);
        pair.Pump();
        Assert.True(pair.Client.IsHandshakeComplete && pair.Server.IsHandshakeComplete);
        return pair;
    }

    private static string Read(TlsConnection connection)
    {
        var buffer = new byte[connection.AvailableApplicationData];
        int n = connection.ReadApplicationData(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static List<(byte Type, int Length)> RecordsIn(byte[] bytes)
    {
        var records = new List<(byte, int)>();
        for (int offset = 0; offset + 5 <= bytes.Length;)
        {
            int length = (bytes[offset + 3] << 8) | bytes[offset + 4];
            records.Add((bytes[offset], length));
            offset += 5 + length;
        }

        return records;
    }
}
