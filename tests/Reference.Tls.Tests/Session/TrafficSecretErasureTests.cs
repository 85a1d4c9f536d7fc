using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Reference.Tls.Tests.Connection;

namespace Reference.Tls.Tests.Session;

/// <summary>KeyUpdate (RFC 8446 §7.2): the previous application traffic secret and its keys are erased.</summary>
public class TrafficSecretErasureTests
{
    /// <summary>application_traffic_secret_N+1 with BouncyCastle's HKDF and a hand-built HkdfLabel (SHA-256).</summary>
    private static byte[] NextSecret(byte[] secret)
    {
        byte[] label = Encoding.ASCII.GetBytes("tls13 traffic upd");
        byte[] info = [0, 32, (byte)label.Length, .. label, 0];
        var hkdf = new HkdfBytesGenerator(new Sha256Digest());
        hkdf.Init(HkdfParameters.SkipExtractParameters(secret, info));
        var output = new byte[32];
        hkdf.GenerateBytes(output, 0, 32);
        return output;
    }

    //= https://www.rfc-editor.org/rfc/rfc8446#section-7.2
    //= type=test
    //# Once client_/server_application_traffic_secret_N+1 and its associated
    //# traffic keys have been computed, implementations SHOULD delete
    //# client_/server_application_traffic_secret_N and its associated
    //# traffic keys.
    [Fact]
    public void UpdateKeys_erases_the_previous_secret_and_keys_on_the_sender_and_the_receiver()
    {
        var keys = new Dictionary<string, byte[]>();
        var (c, s) = InMemoryPair.Configs(client: c => c with
        {
            CipherSuites = [CipherSuite.TlsAes128GcmSha256],
            KeyLogCallback = line => keys[line.Split(' ')[0]] = Convert.FromHexString(line.Split(' ')[2]),
        });
        using var pair = new InMemoryPair(c, s);
        pair.Pump();
        byte[] secret0 = keys["CLIENT_TRAFFIC_SECRET_0"];

        var sender = pair.Client.ApplicationKeysForTest;
        var receiver = pair.Server.ApplicationKeysForTest;
        Assert.Equal(secret0, sender.Write);
        Assert.Equal(secret0, receiver.Read);
        Assert.Contains(sender.WriteProtector!.IvForTest.ToArray(), b => b != 0);

        pair.Client.UpdateKeys(requestPeerUpdate: false);
        pair.Pump();
        Assert.Equal(1, pair.Server.KeyUpdateCounts.Received);

        // Generation 0 is gone on both sides: the secret arrays are zeroed, the AEAD keys and IVs disposed.
        Assert.All(sender.Write, b => Assert.Equal(0, b));
        Assert.All(receiver.Read, b => Assert.Equal(0, b));
        Assert.True(sender.WriteProtector.IsDisposed);
        Assert.True(receiver.ReadProtector!.IsDisposed);
        Assert.All(sender.WriteProtector.IvForTest.ToArray(), b => Assert.Equal(0, b));

        // Generation 1 is in use, as computed independently, and traffic still flows.
        byte[] secret1 = NextSecret(secret0);
        Assert.Equal(secret1, pair.Client.ApplicationKeysForTest.Write);
        Assert.Equal(secret1, pair.Server.ApplicationKeysForTest.Read);
        Assert.False(pair.Client.ApplicationKeysForTest.WriteProtector!.IsDisposed);
        pair.Client.WriteApplicationData([1, 2, 3]);
        pair.Pump();
        var buffer = new byte[3];
        Assert.Equal(3, pair.Server.ReadApplicationData(buffer));
        Assert.Equal([1, 2, 3], buffer);
    }
}
