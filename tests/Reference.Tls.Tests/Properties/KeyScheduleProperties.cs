using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;

namespace Reference.Tls.Tests.Properties;

/// <summary>Every key schedule output equals the RFC 8446 §7.1 derivation computed independently with BouncyCastle's HKDF.</summary>
public class KeyScheduleProperties
{
    private static IDigest Digest(CipherSuiteSpec suite) => suite.HashLength == 48 ? new Sha384Digest() : new Sha256Digest();

    private static byte[] Extract(CipherSuiteSpec suite, byte[] salt, byte[] ikm)
    {
        var mac = new HMac(Digest(suite));
        mac.Init(new KeyParameter(salt));
        mac.BlockUpdate(ikm, 0, ikm.Length);
        var prk = new byte[mac.GetMacSize()];
        mac.DoFinal(prk, 0);
        return prk;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //= type=test
    //# HKDF-Expand-Label(Secret, Label, Context, Length) =
    //# HKDF-Expand(Secret, HkdfLabel, Length)
    private static byte[] ExpandLabel(CipherSuiteSpec suite, byte[] secret, string label, byte[] context, int length)
    {
        var full = Encoding.ASCII.GetBytes("tls13 " + label);
        byte[] info = [(byte)(length >> 8), (byte)length, (byte)full.Length, .. full, (byte)context.Length, .. context];
        var hkdf = new HkdfBytesGenerator(Digest(suite));
        hkdf.Init(HkdfParameters.SkipExtractParameters(secret, info));
        var output = new byte[length];
        hkdf.GenerateBytes(output, 0, length);
        return output;
    }

    private static byte[] Hash(CipherSuiteSpec suite, byte[] data)
    {
        var d = Digest(suite);
        d.BlockUpdate(data, 0, data.Length);
        var output = new byte[d.GetDigestSize()];
        d.DoFinal(output, 0);
        return output;
    }

    [Fact]
    public void KeyScheduleMatchesAnIndependentBouncyCastleHkdf()
    {
        var gen = from suite in Gen.Elements(CipherSuiteSpec.All.ToArray())
                  from shared in MessageGenerators.Bytes(32, 66)
                  from seed in MessageGenerators.Bytes(3, 3)
                  select (suite, shared, seed);
        Check.One(PropertyHelpers.Quick(150), Prop.ForAll(gen.ToArbitrary(), t => Verify(t.suite, t.shared, t.seed)));
    }

    private static void Verify(CipherSuiteSpec suite, byte[] shared, byte[] seed)
    {
        int n = suite.HashLength;
        var hello = Hash(suite, [.. seed, 1]);
        var finished = Hash(suite, [.. seed, 2]);
        var clientFinished = Hash(suite, [.. seed, 3]);
        using var schedule = new TlsKeySchedule(suite);
        schedule.DeriveHandshakeSecrets(shared, hello);

        var zeros = new byte[n];
        var empty = Hash(suite, []);
        var early = Extract(suite, zeros, zeros);
        var handshake = Extract(suite, ExpandLabel(suite, early, "derived", empty, n), shared);
        Assert.Equal(Convert.ToHexString(ExpandLabel(suite, handshake, "c hs traffic", hello, n)), Convert.ToHexString(schedule.ClientHandshakeTrafficSecret));
        Assert.Equal(Convert.ToHexString(ExpandLabel(suite, handshake, "s hs traffic", hello, n)), Convert.ToHexString(schedule.ServerHandshakeTrafficSecret));

        schedule.DeriveApplicationSecrets(finished);
        var master = Extract(suite, ExpandLabel(suite, handshake, "derived", empty, n), zeros);
        var clientApp = ExpandLabel(suite, master, "c ap traffic", finished, n);
        Assert.Equal(Convert.ToHexString(clientApp), Convert.ToHexString(schedule.ClientApplicationTrafficSecret));
        Assert.Equal(Convert.ToHexString(ExpandLabel(suite, master, "s ap traffic", finished, n)), Convert.ToHexString(schedule.ServerApplicationTrafficSecret));
        Assert.Equal(Convert.ToHexString(ExpandLabel(suite, master, "exp master", finished, n)), Convert.ToHexString(schedule.ExporterMasterSecret));
        Assert.Equal(Convert.ToHexString(ExpandLabel(suite, clientApp, "traffic upd", [], n)),
            Convert.ToHexString(TlsKeySchedule.NextTrafficSecret(suite, clientApp)));

        schedule.DeriveResumptionMasterSecret(clientFinished);
        Assert.Equal(Convert.ToHexString(ExpandLabel(suite, master, "res master", clientFinished, n)), Convert.ToHexString(schedule.ResumptionMasterSecret));
    }
}
