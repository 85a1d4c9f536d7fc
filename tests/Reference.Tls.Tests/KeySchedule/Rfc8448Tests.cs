using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;
using Xunit;
using static Reference.Tls.Tests.TestData.Rfc8448.Rfc8448Section3;

namespace Reference.Tls.Tests.KeySchedule;

/// <summary>Reproduces RFC 8448 §3 "Simple 1-RTT Handshake" (x25519, TLS_AES_128_GCM_SHA256) byte for byte.</summary>
public class Rfc8448Tests
{
    private static readonly CipherSuiteSpec Suite = CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256);

    private static byte[] TranscriptThrough(params string[] messages)
    {
        using var transcript = new TranscriptHash();
        foreach (var m in messages)
        {
            transcript.Add(Hex(m));
        }

        transcript.SetHash(Suite.Hash);
        return transcript.Current();
    }

    private static readonly string[] ThroughServerHello = [ClientHello, ServerHello];

    private static readonly string[] ThroughCertificateVerify =
        [ClientHello, ServerHello, EncryptedExtensions, Certificate, CertificateVerify];

    private static readonly string[] ThroughServerFinished = [.. ThroughCertificateVerify, ServerFinished];

    private static readonly string[] ThroughClientFinished = [.. ThroughServerFinished, ClientFinished];

    [Fact]
    public void X25519KeySharesReproduceTheTracePublicKeysAndSharedSecret()
    {
        using var client = KeyShare.X25519FromPrivate(Hex(ClientPrivateKey));
        using var server = KeyShare.X25519FromPrivate(Hex(ServerPrivateKey));

        Assert.Equal(Hex(ClientPublicKey), client.PublicKey);
        Assert.Equal(Hex(ServerPublicKey), server.PublicKey);
        Assert.Equal(Hex(SharedSecret), client.DeriveSharedSecret(Hex(ServerPublicKey)));
        Assert.Equal(Hex(SharedSecret), server.DeriveSharedSecret(Hex(ClientPublicKey)));
    }

    [Fact]
    public void TranscriptHashesMatchTheTrace()
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.1
        //= type=test
        //# Transcript-Hash(M1, M2, ... Mn) = Hash(M1 || M2 || ... || Mn)
        Assert.Equal(Hex(HashThroughServerHello), TranscriptThrough(ThroughServerHello));
        Assert.Equal(Hex(HashThroughServerFinished), TranscriptThrough(ThroughServerFinished));
        Assert.Equal(Hex(HashThroughClientFinished), TranscriptThrough(ThroughClientFinished));
    }

    [Fact]
    public void HkdfLabelAndDerivedSecretsMatchTheTrace()
    {
        var emptyHash = Hkdf.Hash(Suite.Hash, []);

        Assert.Equal(Hex(DerivedForHandshake), Hkdf.DeriveSecret(Suite.Hash, Hex(EarlySecret), "derived", emptyHash));
        Assert.Equal(Hex(HandshakeSecret), Hkdf.Extract(Suite.Hash, Hex(DerivedForHandshake), Hex(SharedSecret)));
        Assert.Equal(Hex(DerivedForMaster), Hkdf.DeriveSecret(Suite.Hash, Hex(HandshakeSecret), "derived", emptyHash));

        // The RFC prints the HkdfLabel ("info") it expands with; HKDF-Expand over it must agree.
        var expandedWithRfcInfo = new byte[32];
        System.Security.Cryptography.HKDF.Expand(Suite.Hash, Hex(HandshakeSecret), expandedWithRfcInfo, Hex(ClientHsTrafficInfo));
        Assert.Equal(Hex(ClientHandshakeTrafficSecret), expandedWithRfcInfo);
    }

    // Every Extract of the trace is reached through Derive-Secret(., "derived", ""), so matching each secret
    // checks the Expand between consecutive Extracts.
    //= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1.1
    //= type=test
    //# in particular, one
    //# SHOULD NOT use an output of HKDF-Extract as an input to another
    //# application of HKDF-Extract without an HKDF-Expand in between.
    [Fact]
    public void KeyScheduleReproducesEverySecretOfTheTrace()
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
        //= type=test
        //# If a given secret is not available, then the 0-value consisting of a
        //# string of Hash.length bytes set to zeros is used.  Note that this
        //# does not mean skipping rounds, so if PSK is not in use, Early Secret
        //# will still be HKDF-Extract(0, 0).
        using var schedule = new TlsKeySchedule(Suite);
        Assert.Equal(Hex(EarlySecret), schedule.EarlySecret);

        schedule.DeriveHandshakeSecrets(Hex(SharedSecret), Hex(HashThroughServerHello));
        Assert.Equal(Hex(HandshakeSecret), schedule.HandshakeSecret);
        Assert.Equal(Hex(ClientHandshakeTrafficSecret), schedule.ClientHandshakeTrafficSecret);
        Assert.Equal(Hex(ServerHandshakeTrafficSecret), schedule.ServerHandshakeTrafficSecret);

        schedule.DeriveApplicationSecrets(TranscriptThrough(ThroughServerFinished));
        Assert.Equal(Hex(MasterSecret), schedule.MasterSecret);
        Assert.Equal(Hex(ClientApplicationTrafficSecret), schedule.ClientApplicationTrafficSecret);
        Assert.Equal(Hex(ServerApplicationTrafficSecret), schedule.ServerApplicationTrafficSecret);
        Assert.Equal(Hex(ExporterMasterSecret), schedule.ExporterMasterSecret);

        schedule.DeriveResumptionMasterSecret(TranscriptThrough(ThroughClientFinished));
        Assert.Equal(Hex(ResumptionMasterSecret), schedule.ResumptionMasterSecret);
    }

    [Theory]
    [InlineData(ServerHandshakeTrafficSecret, ServerHandshakeKey, ServerHandshakeIv)]
    [InlineData(ClientHandshakeTrafficSecret, ClientHandshakeKey, ClientHandshakeIv)]
    [InlineData(ServerApplicationTrafficSecret, ServerApplicationKey, ServerApplicationIv)]
    [InlineData(ClientApplicationTrafficSecret, ClientApplicationKey, ClientApplicationIv)]
    public void TrafficKeysAndIvsMatchTheTrace(string secret, string key, string iv)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-7.3
        //= type=test
        //# [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
        //# [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
        Assert.Equal(Hex(key), Hkdf.ExpandLabel(Suite.Hash, Hex(secret), "key", [], Suite.KeyLength));
        Assert.Equal(Hex(iv), Hkdf.ExpandLabel(Suite.Hash, Hex(secret), "iv", [], CipherSuiteSpec.IvLength));
    }

    [Fact]
    public void FinishedKeysAndVerifyDataMatchTheTrace()
    {
        using var schedule = new TlsKeySchedule(Suite);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //= type=test
        //# finished_key =
        //# HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
        Assert.Equal(Hex(ServerFinishedKey), Hkdf.ExpandLabel(Suite.Hash, Hex(ServerHandshakeTrafficSecret), "finished", [], 32));
        Assert.Equal(Hex(ClientFinishedKey), Hkdf.ExpandLabel(Suite.Hash, Hex(ClientHandshakeTrafficSecret), "finished", [], 32));

        var serverContext = TranscriptThrough(ThroughCertificateVerify);
        var clientContext = TranscriptThrough(ThroughServerFinished);
        Assert.Equal(Hex(ServerVerifyData), schedule.ComputeFinishedVerifyData(Hex(ServerHandshakeTrafficSecret), serverContext));
        Assert.Equal(Hex(ClientVerifyData), schedule.ComputeFinishedVerifyData(Hex(ClientHandshakeTrafficSecret), clientContext));

        // The Finished messages in the trace are 14 00 00 20 || verify_data.
        Assert.Equal(Hex(ServerFinished)[4..], Hex(ServerVerifyData));
        Assert.Equal(Hex(ClientFinished)[4..], Hex(ClientVerifyData));
    }

    [Fact]
    public void VerifyFinishedAcceptsTheTraceAndRejectsAFlippedBit()
    {
        using var schedule = new TlsKeySchedule(Suite);
        var context = TranscriptThrough(ThroughServerFinished);
        var received = Hex(ClientVerifyData);

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //= type=test
        //# Recipients of Finished messages MUST verify that the contents are
        //# correct and if incorrect MUST terminate the connection with a
        //# "decrypt_error" alert.
        Assert.True(schedule.VerifyFinished(Hex(ClientHandshakeTrafficSecret), context, received));
        received[17] ^= 0x01;
        Assert.False(schedule.VerifyFinished(Hex(ClientHandshakeTrafficSecret), context, received));
        Assert.False(schedule.VerifyFinished(Hex(ClientHandshakeTrafficSecret), context, Hex(ClientVerifyData)[..31]));
    }

    [Theory]
    [InlineData(ClientHandshakeTrafficSecret, 0UL, (int)ContentType.Handshake, ClientFinished, ClientFinishedRecord)]
    [InlineData(ClientApplicationTrafficSecret, 0UL, (int)ContentType.ApplicationData, null, ClientApplicationRecord)]
    [InlineData(ServerApplicationTrafficSecret, 1UL, (int)ContentType.ApplicationData, null, ServerApplicationRecord)]
    public void SealingTheTracePlaintextGivesTheTraceRecord(string secret, ulong sequence, int type, string? message, string record)
    {
        var content = message is null ? ApplicationPayload() : Hex(message);
        using var protector = RecordProtector.Create(Suite, Hex(secret));
        protector.SetSequenceNumberForTest(sequence);

        var destination = new byte[RecordProtector.SealedLength(content.Length, 0)];
        int written = protector.Seal((ContentType)type, content, 0, destination);

        Assert.Equal(Hex(record), destination[..written]);
        Assert.Equal(sequence + 1, protector.SequenceNumber);
    }

    [Theory]
    [InlineData(ClientHandshakeKey, ClientHandshakeIv, 0UL, (int)ContentType.Handshake, ClientFinished, ClientFinishedRecord)]
    [InlineData(ClientApplicationKey, ClientApplicationIv, 0UL, (int)ContentType.ApplicationData, null, ClientApplicationRecord)]
    [InlineData(ServerApplicationKey, ServerApplicationIv, 1UL, (int)ContentType.ApplicationData, null, ServerApplicationRecord)]
    public void OpeningTheTraceRecordGivesTheTracePlaintext(string key, string iv, ulong sequence, int type, string? message, string record)
    {
        var expected = message is null ? ApplicationPayload() : Hex(message);
        using var protector = RecordProtector.CreateFromKey(Suite, Hex(key), Hex(iv));
        protector.SetSequenceNumberForTest(sequence);

        var wire = Hex(record);
        var payload = wire.AsSpan(RecordProtector.HeaderLength);
        var inner = protector.Open(wire.AsSpan(0, RecordProtector.HeaderLength), payload, out int contentLength);

        Assert.Equal((ContentType)type, inner);
        Assert.Equal(expected, payload[..contentLength].ToArray());
        Assert.Equal(sequence + 1, protector.SequenceNumber);
    }
}
