using System.Security.Cryptography;
using System.Text;
using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;
using Xunit;

namespace Reference.Tls.Tests.Mutation;

/// <summary>
/// Key schedule behaviour that Stryker showed no other test pinned: binder and resumption labels, erasure on every
/// stage change and on Dispose, the RFC 5869 output bound, and the diagnostics of each internal-error path.
/// </summary>
public class KeyScheduleMutationTests
{
    private static readonly CipherSuiteSpec Sha256Suite = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);
    private static readonly CipherSuiteSpec Sha384Suite = CipherSuiteSpec.Get(CipherSuite.TlsAes256GcmSha384);

    private static TlsException Internal(Action action)
    {
        var e = Assert.Throws<TlsException>(action);
        Assert.Equal(TlsErrorType.Internal, e.ErrorType);
        return e;
    }

    /// <summary>HKDF-Expand-Label with the HkdfLabel typed out here, over .NET's HKDF.Expand.</summary>
    private static byte[] ExpandLabel(HashAlgorithmName h, byte[] secret, string label, byte[] context, int length)
    {
        var fullLabel = Encoding.ASCII.GetBytes("tls13 " + label);
        byte[] info = [(byte)(length >> 8), (byte)length, (byte)fullLabel.Length, .. fullLabel, (byte)context.Length, .. context];
        var output = new byte[length];
        HKDF.Expand(h, secret, output, info);
        return output;
    }

    [Theory]
    [InlineData(true, "res binder")]
    [InlineData(false, "ext binder")]
    public void BinderUsesTheLabelOfItsPskKind(bool resumption, string label)
    {
        var suite = Sha384Suite;
        var psk = RandomNumberGenerator.GetBytes(48);
        var truncatedHash = RandomNumberGenerator.GetBytes(48);
        using var schedule = new TlsKeySchedule(suite, psk);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.2
        //= type=test
        //# The PskBinderEntry is computed in the same way as the Finished
        //# message (Section 4.4.4) but with the BaseKey being the binder_key
        //# derived via the key schedule from the corresponding PSK which is
        //# being offered (see Section 7.1).
        var early = HKDF.Extract(suite.Hash, psk, new byte[48]);
        var binderKey = ExpandLabel(suite.Hash, early, label, SHA384.HashData([]), 48);
        var finishedKey = ExpandLabel(suite.Hash, binderKey, "finished", [], 48);
        Assert.Equal(HMACSHA384.HashData(finishedKey, truncatedHash), schedule.ComputeBinder(resumption, truncatedHash));
    }

    [Fact]
    public void ResumptionPskExpandsTheTicketNonceUnderItsLabel()
    {
        var rms = RandomNumberGenerator.GetBytes(32);
        byte[] nonce = [0, 1, 2, 3];

        Assert.Equal(
            ExpandLabel(HashAlgorithmName.SHA256, rms, "resumption", nonce, 32),
            TlsKeySchedule.ResumptionPsk(Sha256Suite, rms, nonce));
    }

    [Fact]
    public void EachStageErasesTheSecretItWasDerivedFrom()
    {
        using var schedule = new TlsKeySchedule(Sha256Suite);
        var early = schedule.EarlySecret;
        schedule.DeriveHandshakeSecrets(RandomNumberGenerator.GetBytes(32), new byte[32]);
        Assert.All(early, b => Assert.Equal(0, b));

        schedule.DeriveApplicationSecrets(new byte[32]);
        var master = schedule.MasterSecret;
        Assert.Contains(master, b => b != 0);
        schedule.DeriveResumptionMasterSecret(new byte[32]);
        Assert.All(master, b => Assert.Equal(0, b));
        Assert.Contains("not available in stage Resumption", Internal(() => _ = schedule.MasterSecret).Message);
    }

    [Fact]
    public void DisposeErasesTheEarlyHandshakeAndResumptionSecrets()
    {
        var fresh = new TlsKeySchedule(Sha256Suite);
        var early = fresh.EarlySecret;
        fresh.Dispose();
        Assert.All(early, b => Assert.Equal(0, b));

        var midway = new TlsKeySchedule(Sha256Suite);
        midway.DeriveHandshakeSecrets(RandomNumberGenerator.GetBytes(32), new byte[32]);
        var handshake = midway.HandshakeSecret;
        midway.Dispose();
        Assert.All(handshake, b => Assert.Equal(0, b));

        var done = new TlsKeySchedule(Sha256Suite);
        done.DeriveHandshakeSecrets(RandomNumberGenerator.GetBytes(32), new byte[32]);
        done.DeriveApplicationSecrets(new byte[32]);
        done.DeriveResumptionMasterSecret(new byte[32]);
        var resumption = done.ResumptionMasterSecret;
        Assert.Contains(resumption, b => b != 0);
        done.Dispose();
        Assert.All(resumption, b => Assert.Equal(0, b));
    }

    [Fact]
    public void EveryUseAfterDisposeSaysSo()
    {
        var schedule = new TlsKeySchedule(Sha256Suite);
        schedule.Dispose();

        Assert.Equal("key schedule used after Dispose", Internal(() => schedule.ComputeFinishedVerifyData(new byte[32], new byte[32])).Message);
        Assert.Equal("key schedule used after Dispose", Internal(() => schedule.DeriveHandshakeSecrets(new byte[32], new byte[32])).Message);
        Assert.Equal("key schedule used after Dispose", Internal(() => _ = schedule.EarlySecret).Message);
    }

    [Fact]
    public void OutOfOrderStagesAndEarlySecretsNameTheStage()
    {
        using var schedule = new TlsKeySchedule(Sha256Suite);

        Assert.Equal("key schedule: cannot enter Application from Early", Internal(() => schedule.DeriveApplicationSecrets(new byte[32])).Message);
        Assert.Equal("key schedule: secret not available in stage Early", Internal(() => _ = schedule.ClientHandshakeTrafficSecret).Message);
    }

    [Fact]
    public void LaterStagesRejectTranscriptHashesOfTheWrongLength()
    {
        using var application = new TlsKeySchedule(Sha384Suite);
        application.DeriveHandshakeSecrets(new byte[48], new byte[48]);
        Assert.Equal("key schedule: transcript hash has the wrong length", Internal(() => application.DeriveApplicationSecrets(new byte[32])).Message);

        using var resumption = new TlsKeySchedule(Sha384Suite);
        resumption.DeriveHandshakeSecrets(new byte[48], new byte[48]);
        resumption.DeriveApplicationSecrets(new byte[48]);
        Internal(() => resumption.DeriveResumptionMasterSecret(new byte[47]));
    }

    [Fact]
    public void ExpandLabelOutputIsBoundedBy255HashLengths()
    {
        var secret = RandomNumberGenerator.GetBytes(32);

        // RFC 5869 §2.3: L <= 255*HashLen.
        var longest = Hkdf.ExpandLabel(HashAlgorithmName.SHA256, secret, "x", [], 255 * 32);
        Assert.Equal(ExpandLabel(HashAlgorithmName.SHA256, secret, "x", [], 255 * 32), longest);
        var e = Internal(() => Hkdf.ExpandLabel(HashAlgorithmName.SHA256, secret, "x", [], (255 * 32) + 1));
        Assert.Equal("HKDF-Expand-Label input out of range", e.Message);
    }

    [Fact]
    public void HashesOtherThanSha256AndSha384AreRefusedByName()
    {
        var sha512 = HashAlgorithmName.SHA512;

        Assert.Equal("hash SHA512 is not used by TLS 1.3", Internal(() => Hkdf.HashLength(sha512)).Message);
        Assert.Equal("hash SHA512 is not used by TLS 1.3", Internal(() => Hkdf.Hash(sha512, [1])).Message);
        Assert.Equal("hash SHA512 is not used by TLS 1.3", Internal(() => Hkdf.Hmac(sha512, [1], [2])).Message);
        Assert.Equal(SHA384.HashData([1]), Hkdf.Hash(HashAlgorithmName.SHA384, [1]));
        Assert.Equal(HMACSHA384.HashData([1], [2]), Hkdf.Hmac(HashAlgorithmName.SHA384, [1], [2]));
    }
}
