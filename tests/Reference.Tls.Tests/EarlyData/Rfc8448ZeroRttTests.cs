using Reference.Tls.Crypto;
using Reference.Tls.KeySchedule;
using Reference.Tls.Record;

namespace Reference.Tls.Tests.EarlyData;

/// <summary>
/// RFC 8448 §4 ("Resumed 0-RTT Handshake", TLS_AES_128_GCM_SHA256): the early secret from the ticket's PSK,
/// client_early_traffic_secret from the ClientHello's transcript hash, and the first early data record.
/// </summary>
public class Rfc8448ZeroRttTests
{
    private static readonly byte[] Psk = Hex("4e cd 0e b6 ec 3b 4d 87 f5 d6 02 8f 92 2c a4 c5 85 1a 27 7f d4 13 11 c9 e6 2d 2c 94 92 e1 c4 f3");
    private static readonly byte[] EarlySecret = Hex("9b 21 88 e9 b2 fc 6d 64 d7 1d c3 29 90 0e 20 bb 41 91 50 00 f6 78 aa 83 9c bb 79 7c b7 d8 33 2c");
    private static readonly byte[] ClientHelloHash = Hex("08 ad 0f a0 5d 7c 72 33 b1 77 5b a2 ff 9f 4c 5b 8b 59 27 6b 7f 22 7f 13 a9 76 24 5f 5d 96 09 13");
    private static readonly byte[] ClientEarlyTrafficSecret = Hex("3f bb e6 a6 0d eb 66 c3 0a 32 79 5a ba 0e ff 7e aa 10 10 55 86 e7 be 5c 09 67 8d 63 b6 ca ab 62");

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.1
    //= type=test
    //# +-----> Derive-Secret(., "c e traffic", ClientHello)
    //# |                     = client_early_traffic_secret
    [Fact]
    public void The_client_early_traffic_secret_matches_the_trace()
    {
        using var schedule = new TlsKeySchedule(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256), Psk);
        Assert.Equal(EarlySecret, schedule.EarlySecret);
        Assert.Equal(ClientEarlyTrafficSecret, schedule.DeriveClientEarlyTrafficSecret(ClientHelloHash));
        // Still in the early stage: the handshake secrets come next, from the same schedule.
        Assert.Equal(EarlySecret, schedule.EarlySecret);
    }

    [Fact]
    public void The_first_early_data_record_matches_the_trace()
    {
        using var protector = RecordProtector.Create(CipherSuiteSpec.Get(CipherSuite.TlsAes128GcmSha256), ClientEarlyTrafficSecret);
        var payload = Hex("41 42 43 44 45 46");
        var record = new byte[RecordProtector.SealedLength(payload.Length, 0)];
        Assert.Equal(record.Length, protector.Seal(ContentType.ApplicationData, payload, 0, record));
        Assert.Equal(Hex("17 03 03 00 17 ab 1d f4 20 e7 5c 45 7a 7c c5 d2 84 4f 76 d5 ae e4 b4 ed bf 04 9b e0"), record);
    }

    private static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", ""));
}
