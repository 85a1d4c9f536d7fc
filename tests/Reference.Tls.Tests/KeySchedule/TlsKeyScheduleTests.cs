using System.Security.Cryptography;
using System.Text;
using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;
using Xunit;

namespace Reference.Tls.Tests.KeySchedule;

public class TlsKeyScheduleTests
{
    public static TheoryData<CipherSuite> Suites() =>
        new(CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsChacha20Poly1305Sha256);

    private static void AssertInternal(Action action) =>
        Assert.Equal(TlsErrorType.Internal, Assert.Throws<TlsException>(action).ErrorType);

    /// <summary>An independent HKDF-Expand-Label: RFC 5869 §2.3 written out with HMAC, RFC 8446 §7.1 label.</summary>
    private static byte[] ReferenceExpandLabel(HashAlgorithmName hash, byte[] secret, string label, byte[] context, int length)
    {
        var fullLabel = Encoding.ASCII.GetBytes("tls13 " + label);
        byte[] info = [(byte)(length >> 8), (byte)length, (byte)fullLabel.Length, .. fullLabel, (byte)context.Length, .. context];
        var output = new List<byte>();
        byte[] previous = [];
        for (byte counter = 1; output.Count < length; counter++)
        {
            using var hmac = IncrementalHash.CreateHMAC(hash, secret);
            hmac.AppendData(previous);
            hmac.AppendData(info);
            hmac.AppendData([counter]);
            previous = hmac.GetHashAndReset();
            output.AddRange(previous);
        }

        return [.. output.Take(length)];
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void NextTrafficSecretMatchesAnIndependentExpandLabel(CipherSuite id)
    {
        var suite = CipherSuiteSpec.Get(id);
        var secret = RandomNumberGenerator.GetBytes(suite.HashLength);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.2
        //= type=test
        //# application_traffic_secret_N+1 =
        //# HKDF-Expand-Label(application_traffic_secret_N,
        //# "traffic upd", "", Hash.length)
        var next = TlsKeySchedule.NextTrafficSecret(suite, secret);
        Assert.Equal(ReferenceExpandLabel(suite.Hash, secret, "traffic upd", [], suite.HashLength), next);
        Assert.NotEqual(secret, next);
        Assert.NotEqual(next, TlsKeySchedule.NextTrafficSecret(suite, next));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void EverySecretHasTheHashLengthAndMatchesAnIndependentSchedule(CipherSuite id)
    {
        var suite = CipherSuiteSpec.Get(id);
        var h = suite.Hash;
        var shared = RandomNumberGenerator.GetBytes(32);
        var helloHash = RandomNumberGenerator.GetBytes(suite.HashLength);
        var serverFinishedHash = RandomNumberGenerator.GetBytes(suite.HashLength);
        var clientFinishedHash = RandomNumberGenerator.GetBytes(suite.HashLength);
        using var schedule = new TlsKeySchedule(suite);
        schedule.DeriveHandshakeSecrets(shared, helloHash);
        schedule.DeriveApplicationSecrets(serverFinishedHash);
        schedule.DeriveResumptionMasterSecret(clientFinishedHash);

        var zeros = new byte[suite.HashLength];
        var emptyHash = h == HashAlgorithmName.SHA256 ? SHA256.HashData([]) : SHA384.HashData([]);
        var early = HKDF.Extract(h, zeros, zeros);
        var handshake = HKDF.Extract(h, shared, ReferenceExpandLabel(h, early, "derived", emptyHash, suite.HashLength));
        var master = HKDF.Extract(h, zeros, ReferenceExpandLabel(h, handshake, "derived", emptyHash, suite.HashLength));
        byte[] Derive(byte[] secret, string label, byte[] context) => ReferenceExpandLabel(h, secret, label, context, suite.HashLength);

        Assert.Equal(Derive(handshake, "c hs traffic", helloHash), schedule.ClientHandshakeTrafficSecret);
        Assert.Equal(Derive(handshake, "s hs traffic", helloHash), schedule.ServerHandshakeTrafficSecret);
        Assert.Equal(Derive(master, "c ap traffic", serverFinishedHash), schedule.ClientApplicationTrafficSecret);
        Assert.Equal(Derive(master, "s ap traffic", serverFinishedHash), schedule.ServerApplicationTrafficSecret);
        Assert.Equal(Derive(master, "exp master", serverFinishedHash), schedule.ExporterMasterSecret);
        Assert.Equal(Derive(master, "res master", clientFinishedHash), schedule.ResumptionMasterSecret);
        Assert.Equal(suite.HashLength, schedule.ComputeFinishedVerifyData(schedule.ClientHandshakeTrafficSecret, helloHash).Length);
    }

    [Fact]
    public void StagesMustBeDerivedInOrder()
    {
        var suite = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);
        var hash = new byte[32];
        using var schedule = new TlsKeySchedule(suite);

        AssertInternal(() => _ = schedule.ClientHandshakeTrafficSecret);
        AssertInternal(() => schedule.DeriveApplicationSecrets(hash));
        AssertInternal(() => schedule.DeriveResumptionMasterSecret(hash));

        schedule.DeriveHandshakeSecrets(new byte[32], hash);
        AssertInternal(() => schedule.DeriveHandshakeSecrets(new byte[32], hash));
        AssertInternal(() => _ = schedule.ClientApplicationTrafficSecret);
        AssertInternal(() => _ = schedule.EarlySecret);

        schedule.DeriveApplicationSecrets(hash);
        AssertInternal(() => _ = schedule.HandshakeSecret);
        AssertInternal(() => _ = schedule.ResumptionMasterSecret);
        Assert.Equal(32, schedule.ServerHandshakeTrafficSecret.Length);

        schedule.DeriveResumptionMasterSecret(hash);
        AssertInternal(() => _ = schedule.MasterSecret);
        AssertInternal(() => schedule.DeriveApplicationSecrets(hash));
        Assert.Equal(32, schedule.ExporterMasterSecret.Length);
    }

    [Fact]
    public void TranscriptHashesOfTheWrongLengthAreRejected()
    {
        using var schedule = new TlsKeySchedule(CipherSuiteSpec.Get(CipherSuite.TlsAes256GcmSha384));

        AssertInternal(() => schedule.DeriveHandshakeSecrets(new byte[48], new byte[32]));
        AssertInternal(() => schedule.ComputeFinishedVerifyData(new byte[48], new byte[32]));
    }

    [Fact]
    public void DisposeZeroesEverySecretAndStopsTheSchedule()
    {
        var schedule = new TlsKeySchedule(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256));
        schedule.DeriveHandshakeSecrets(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        schedule.DeriveApplicationSecrets(RandomNumberGenerator.GetBytes(32));
        var secrets = new[]
        {
            schedule.ClientHandshakeTrafficSecret, schedule.ServerHandshakeTrafficSecret,
            schedule.ClientApplicationTrafficSecret, schedule.ServerApplicationTrafficSecret,
            schedule.ExporterMasterSecret, schedule.MasterSecret,
        };
        Assert.All(secrets, s => Assert.Contains(s, b => b != 0));

        schedule.Dispose();
        schedule.Dispose();

        Assert.All(secrets, s => Assert.All(s, b => Assert.Equal(0, b)));
        AssertInternal(() => _ = schedule.ClientApplicationTrafficSecret);
        AssertInternal(() => schedule.DeriveResumptionMasterSecret(new byte[32]));
    }

    [Fact]
    public void DerivingTheMasterSecretErasesTheHandshakeSecret()
    {
        using var schedule = new TlsKeySchedule(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256));
        schedule.DeriveHandshakeSecrets(RandomNumberGenerator.GetBytes(32), new byte[32]);
        var handshakeSecret = schedule.HandshakeSecret;

        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //= type=test
        //# Once all the values which are to be derived from a given secret have
        //# been computed, that secret SHOULD be erased.
        schedule.DeriveApplicationSecrets(new byte[32]);
        Assert.All(handshakeSecret, b => Assert.Equal(0, b));
    }
}
