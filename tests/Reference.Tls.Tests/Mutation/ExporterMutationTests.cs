using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;
using Xunit;

namespace Reference.Tls.Tests.Mutation;

/// <summary>
/// Exporter and early-secret behaviour that Stryker showed no other test pinned: the label and length rules with
/// their messages (also when Export is called directly), the exact ASCII bound, and the transcript-hash length
/// check of the 0-RTT derivations.
/// </summary>
public class ExporterMutationTests
{
    private static readonly CipherSuiteSpec Sha256Suite = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);

    private static TlsException Thrown(TlsErrorType type, Action action)
    {
        var e = Assert.Throws<TlsException>(action);
        Assert.Equal(type, e.ErrorType);
        return e;
    }

    [Fact]
    public void Label_and_length_errors_say_what_is_allowed()
    {
        var empty = Thrown(TlsErrorType.Usage, () => TlsExporter.CheckRequest("", 32, 32));
        Assert.Contains("1 to 249 characters", empty.Message, StringComparison.Ordinal);
        var notAscii = Thrown(TlsErrorType.Usage, () => TlsExporter.CheckRequest("é", 32, 32));
        Assert.Contains("ASCII", notAscii.Message, StringComparison.Ordinal);
        var length = Thrown(TlsErrorType.Usage, () => TlsExporter.CheckRequest("EXPORTER-test", 255 * 32 + 1, 32));
        Assert.Contains($"1 to {255 * 32} bytes", length.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_ASCII_character_is_a_valid_label_character_and_the_first_beyond_it_is_not()
    {
        TlsExporter.CheckRequest("label\x7f", 32, 32);
        Thrown(TlsErrorType.Usage, () => TlsExporter.CheckRequest("label\x80", 32, 32));
        TlsExporter.CheckRequest("x", 255 * 32, 32);
    }

    [Fact]
    public void Export_checks_its_request_itself()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        Thrown(TlsErrorType.Usage, () => TlsExporter.Export(HashAlgorithmName.SHA256, secret, "bad\0label", [], new byte[16]));
        Thrown(TlsErrorType.Usage, () => TlsExporter.Export(HashAlgorithmName.SHA256, secret, "label", [], Span<byte>.Empty));
    }

    [Fact]
    public void Early_derivations_refuse_a_transcript_hash_of_the_wrong_length()
    {
        using var schedule = new TlsKeySchedule(Sha256Suite, RandomNumberGenerator.GetBytes(32));
        var shortHash = new byte[31];
        Thrown(TlsErrorType.Internal, () => schedule.DeriveClientEarlyTrafficSecret(shortHash));
        Thrown(TlsErrorType.Internal, () => schedule.DeriveEarlyExporterMasterSecret(shortHash));
        Assert.Equal(32, schedule.DeriveClientEarlyTrafficSecret(new byte[32]).Length);
    }
}
