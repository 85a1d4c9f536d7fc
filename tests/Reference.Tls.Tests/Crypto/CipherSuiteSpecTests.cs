using System.Security.Cryptography;
using Reference.Tls.Crypto;
using Xunit;

namespace Reference.Tls.Tests.Crypto;

public class CipherSuiteSpecTests
{
    [Theory]
    [InlineData(0x1301, "SHA256", 32, 16, (int)AeadAlgorithm.Aes128Gcm)]
    [InlineData(0x1302, "SHA384", 48, 32, (int)AeadAlgorithm.Aes256Gcm)]
    [InlineData(0x1303, "SHA256", 32, 32, (int)AeadAlgorithm.ChaCha20Poly1305)]
    public void TheThreeTls13SuitesHaveTheirRfcParameters(ushort wire, string hash, int hashLength, int keyLength, int aead)
    {
        Assert.True(CipherSuiteSpec.TryGet(wire, out var spec));
        Assert.Equal((CipherSuite)wire, spec.Id);
        Assert.Equal(new HashAlgorithmName(hash), spec.Hash);
        Assert.Equal(hashLength, spec.HashLength);
        Assert.Equal(keyLength, spec.KeyLength);
        Assert.Equal((AeadAlgorithm)aead, spec.Aead);
        Assert.Same(spec, CipherSuiteSpec.Get((CipherSuite)wire));
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x1304)]
    [InlineData(0x1305)]
    [InlineData(0xc02f)]
    [InlineData(0x00ff)]
    public void OtherSuitesAreNotTls13Suites(ushort wire)
    {
        Assert.False(CipherSuiteSpec.TryGet(wire, out var spec));
        Assert.Null(spec);
        Assert.Equal(TlsErrorType.Usage, Assert.Throws<TlsException>(() => CipherSuiteSpec.Get((CipherSuite)wire)).ErrorType);
    }

    [Fact]
    public void AllListsEachSuiteOnce()
    {
        Assert.Equal(
            [CipherSuite.TlsAes128GcmSha256, CipherSuite.TlsAes256GcmSha384, CipherSuite.TlsChacha20Poly1305Sha256],
            CipherSuiteSpec.All.Select(s => s.Id));
        Assert.Equal(12, CipherSuiteSpec.IvLength);
    }
}
