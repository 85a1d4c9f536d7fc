using FsCheck;
using FsCheck.Fluent;
using Reference.Fuzz;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using static Reference.Tls.Tests.Properties.MessageGenerators;

namespace Reference.Tls.Tests.Properties;

/// <summary>
/// Parse(Serialize(x)) == x for generated valid values of every handshake message and extension codec,
/// and Serialize(Parse(b)) == b for any bytes a parser accepts (the fuzz targets carry that oracle).
/// </summary>
public class MessageRoundTripProperties
{
    private static void RoundTrip<T>(Gen<T> gen, Func<T, byte[]> serialize, Func<byte[], T> parse, Func<T, string> shape) =>
        Check.One(PropertyHelpers.Quick(), Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var bytes = serialize(x);
            Assert.Equal(shape(x), shape(parse(bytes)));
        }));

    [Fact]
    public void ClientHelloRoundTrips() =>
        RoundTrip(ClientHelloGen, m => Serialize(m.Write), b => ClientHello.Parse(b), Shape);

    [Fact]
    public void ServerHelloAndHelloRetryRequestRoundTrip() =>
        RoundTrip(ServerHelloGen, m => Serialize(m.Write), b => ServerHello.Parse(b), Shape);

    [Fact]
    public void EncryptedExtensionsRoundTrip() =>
        RoundTrip(EncryptedExtensionsGen, m => Serialize(m.Write), b => EncryptedExtensions.Parse(b), m => Shape(m.Extensions));

    [Fact]
    public void CertificateRequestRoundTrips() =>
        RoundTrip(CertificateRequestGen, m => Serialize(m.Write), b => CertificateRequest.Parse(b), Shape);

    [Fact]
    public void CertificateRoundTrips() =>
        RoundTrip(CertificateGen, m => Serialize(m.Write), b => CertificateMessage.Parse(b), Shape);

    [Fact]
    public void CertificateVerifyRoundTrips() =>
        RoundTrip(CertificateVerifyGen, m => Serialize(m.Write), b => CertificateVerifyMessage.Parse(b),
            m => $"{(ushort)m.Scheme:X4}:{Convert.ToHexString(m.Signature)}");

    [Fact]
    public void FinishedAcceptsExactlyTheHashLength() =>
        Check.One(PropertyHelpers.Quick(), Prop.ForAll(Bytes(0, 64).ToArbitrary(), b =>
        {
            foreach (int hash in new[] { 32, 48 })
            {
                if (b.Length == hash)
                {
                    Assert.Equal(b, FinishedMessage.Parse(b, hash).ToArray());
                }
                else
                {
                    Assert.Equal(AlertDescription.DecodeError, Assert.Throws<TlsException>(() => FinishedMessage.Parse(b, hash).ToArray()).Alert);
                }
            }
        }));

    [Fact]
    public void KeyUpdateRoundTripsItsTwoValues()
    {
        Assert.Equal(KeyUpdateRequest.UpdateNotRequested, KeyUpdateMessage.Parse([0]));
        Assert.Equal(KeyUpdateRequest.UpdateRequested, KeyUpdateMessage.Parse([1]));
        Check.One(PropertyHelpers.Quick(), Prop.ForAll(Gen.Choose(2, 255).ToArbitrary(), v =>
            Assert.Equal(AlertDescription.IllegalParameter, Assert.Throws<TlsException>(() => KeyUpdateMessage.Parse([(byte)v])).Alert)));
    }

    [Fact]
    public void NewSessionTicketRoundTrips()
    {
        var gen = from lifetime in Gen.Choose(0, int.MaxValue)
                  from ageAdd in Gen.Choose(0, int.MaxValue)
                  from nonce in Bytes(0, 16)
                  from ticket in Bytes(1, 64)
                  from ext in ExtensionsGen(ExtensionContext.NewSessionTicket)
                  select new NewSessionTicketMessage((uint)lifetime, (uint)ageAdd, nonce, ticket, ext);
        RoundTrip(gen, WriteTicket, b => NewSessionTicketMessage.Parse(b),
            m => $"{m.Lifetime} {m.AgeAdd} {Convert.ToHexString(m.Nonce)} {Convert.ToHexString(m.Ticket)} [{Shape(m.Extensions)}]");
    }

    /// <summary>The engine parses tickets but never sends one, so the test writes the §4.6.1 layout itself.</summary>
    private static byte[] WriteTicket(NewSessionTicketMessage m) => Serialize(w =>
    {
        w.WriteU32(m.Lifetime);
        w.WriteU32(m.AgeAdd);
        w.WriteVector8(m.Nonce);
        w.WriteVector16(m.Ticket);
        ExtensionBlock.Write(w, m.Extensions);
    });

    [Fact]
    public void SupportedVersionsRoundTrips()
    {
        RoundTrip(Gen.Choose(1, 20).SelectMany(n => Gen.ArrayOf(U16, n)), v => SupportedVersionsExtension.EncodeClient(v),
            b => SupportedVersionsExtension.DecodeClient(b).ToArray(), v => string.Join(",", v));
        RoundTrip(U16, SupportedVersionsExtension.EncodeServer, b => SupportedVersionsExtension.DecodeServer(b), v => v.ToString("X4"));
    }

    [Fact]
    public void SupportedGroupsAndSignatureAlgorithmsRoundTrip() =>
        RoundTrip(Gen.Choose(1, 30).SelectMany(n => Gen.ArrayOf(U16, n)),
            v => U16ListExtension.Encode(v.Select(x => (NamedGroup)x).ToList()),
            b => U16ListExtension.Decode(b, "supported_groups").ToArray(), v => string.Join(",", v));

    [Fact]
    public void KeyShareRoundTripsInAllThreeForms()
    {
        RoundTrip(Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(KeyShareEntryGen, n)), e => KeyShareExtension.EncodeClient(e),
            b => KeyShareExtension.DecodeClient(b).ToArray(), Shape);
        RoundTrip(KeyShareEntryGen, KeyShareExtension.EncodeServer, b => KeyShareExtension.DecodeServer(b), e => Shape([e]));
        RoundTrip(U16.Select(g => (NamedGroup)g), KeyShareExtension.EncodeHelloRetry, b => KeyShareExtension.DecodeHelloRetry(b), g => g.ToString());
    }

    [Fact]
    public void ServerNameAlpnAndCookieRoundTrip()
    {
        RoundTrip(HostNameGen, ServerNameExtension.Encode, b => ServerNameExtension.Decode(b)!, s => s);
        RoundTrip(Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(AlpnProtocolGen, n)), p => AlpnExtension.Encode(p),
            b => AlpnExtension.Decode(b).ToArray(), p => string.Join(",", p));
        RoundTrip(Bytes(1, 200), b => CookieExtension.Encode(b), b => CookieExtension.Decode(b), Convert.ToHexString);
    }

    /// <summary>
    /// Every parser target, fed mutated valid encodings and raw random bytes: it either rejects with a
    /// protocol alert or re-serialises the accepted bytes exactly (the targets assert the latter).
    /// </summary>
    [Fact]
    public void AcceptedBytesReserialiseToThemselves()
    {
        var valid = Gen.OneOf(
            ClientHelloGen.Select(m => Serialize(m.Write)), ServerHelloGen.Select(m => Serialize(m.Write)),
            CertificateGen.Select(m => Serialize(m.Write)), CertificateRequestGen.Select(m => Serialize(m.Write)),
            EncryptedExtensionsGen.Select(m => Serialize(m.Write)), CertificateVerifyGen.Select(m => Serialize(m.Write)));
        foreach (var target in ParserTargets.All())
        {
            Check.One(PropertyHelpers.Quick(100), Prop.ForAll(PropertyHelpers.Mutated(valid), h => target.Run(h.Value)));
            Check.One(PropertyHelpers.Quick(100), Prop.ForAll(PropertyHelpers.Bytes(), h => target.Run(h.Value)));
        }
    }
}
