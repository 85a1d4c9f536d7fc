using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Reference.Tls.Certificates;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Reference.Tls.Crypto;

/// <summary>
/// CertificateVerify signatures whose bytes depend only on the key, the message and the injected random
/// source (deterministic mode): ECDSA with RFC 6979 nonces, RSA-PSS with its salt drawn from the source.
/// Ed25519 is deterministic by construction. Uses BouncyCastle because .NET's ECDsa and RSA always draw
/// from the OS.
/// </summary>
internal static class DeterministicSigning
{
    public static byte[] Sign(CertificateKeyPair certificate, SignatureScheme scheme, ReadOnlySpan<byte> message, DeterministicRandom random)
    {
        var key = certificate.PrivateKey;
        var hash = PublicKeys.HashOf(scheme);
        if (key.Ecdsa is { } ecdsa && hash is { } ecHash)
        {
            return SignEcdsa(ecdsa, ecHash, message);
        }

        if (key.Rsa is { } rsa && hash is { } rsaHash)
        {
            return SignRsaPss(rsa, rsaHash, message, random);
        }

        // Ed25519 signatures are a function of key and message alone (RFC 8032).
        return certificate.Sign(scheme, message);
    }

    private static byte[] SignEcdsa(ECDsa ecdsa, HashAlgorithmName hash, ReadOnlySpan<byte> message)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
        try
        {
            var curve = ECNamedCurveTable.GetByOid(new Org.BouncyCastle.Asn1.DerObjectIdentifier(parameters.Curve.Oid.Value!));
            var domain = new ECDomainParameters(curve);
            var privateKey = new ECPrivateKeyParameters(new BigInteger(1, parameters.D!), domain);
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# ECDSA algorithms:  Indicates a signature algorithm using ECDSA
            //# [ECDSA], the corresponding curve as defined in ANSI X9.62 [ECDSA]
            //# and FIPS 186-4 [DSS], and the corresponding hash algorithm as
            //# defined in [SHS].
            var signer = new DsaDigestSigner(new ECDsaSigner(new HMacDsaKCalculator(Digest(hash))), Digest(hash));
            signer.Init(true, privateKey);
            signer.BlockUpdate(message);
            return signer.GenerateSignature();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    private static byte[] SignRsaPss(RSA rsa, HashAlgorithmName hash, ReadOnlySpan<byte> message, DeterministicRandom random)
    {
        var p = rsa.ExportParameters(includePrivateParameters: true);
        try
        {
            var key = new RsaPrivateCrtKeyParameters(
                Big(p.Modulus), Big(p.Exponent), Big(p.D), Big(p.P), Big(p.Q), Big(p.DP), Big(p.DQ), Big(p.InverseQ));
            var digest = Digest(hash);
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# The length of the Salt MUST be equal to the length of the output
            //# of the digest algorithm.
            var signer = new PssSigner(new RsaBlindedEngine(), digest, Digest(hash), digest.GetDigestSize());
            signer.Init(true, new ParametersWithRandom(key, TlsRandom.AsSecureRandom(random)));
            signer.BlockUpdate(message);
            return signer.GenerateSignature();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.D);
            CryptographicOperations.ZeroMemory(p.P);
            CryptographicOperations.ZeroMemory(p.Q);
            CryptographicOperations.ZeroMemory(p.DP);
            CryptographicOperations.ZeroMemory(p.DQ);
            CryptographicOperations.ZeroMemory(p.InverseQ);
        }
    }

    private static BigInteger Big(byte[]? value) => new(1, value ?? throw TlsErrors.Internal("RSA key lacks a parameter"));

    private static IDigest Digest(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? new Sha256Digest()
        : hash == HashAlgorithmName.SHA384 ? new Sha384Digest()
        : hash == HashAlgorithmName.SHA512 ? new Sha512Digest()
        : throw TlsErrors.Internal($"no digest for {hash}");
}
