using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Reference.Tls.Certificates;

/// <summary>
/// The peer's end-entity public key, read once from the leaf's SubjectPublicKeyInfo, for CertificateVerify
/// (RFC 8446 §4.4.3). A verified-chain cache entry shares one across handshakes, so neither the leaf nor the key
/// is parsed again per handshake.
/// </summary>
/// <remarks>
/// Importing the key into .NET (an OpenSSL EVP_PKEY) costs more than the verification itself, so one imported
/// ECDsa/RSA object is kept for reuse. It is never used by two threads at once: .NET does not document ECDsa or RSA
/// instance methods as thread-safe (dotnet/corefx#9708 calls parallel use of one instance "undocumented"), so a
/// verifier takes the idle object out (or imports a fresh one), verifies, and puts it back; under contention the
/// extra objects are disposed.
/// </remarks>
internal sealed class LeafPublicKey
{
    private readonly PublicKeys.Info? _info;
    private AsymmetricAlgorithm? _idle;
    private int _retired;

    private LeafPublicKey(PublicKeys.Info? info, bool shared)
    {
        _info = info;
        _retired = shared ? 0 : 1;
    }

    /// <summary>
    /// The key of <paramref name="leafCertificateDer"/>. Never throws: a leaf whose key cannot be read fails at
    /// <see cref="Info"/>, when CertificateVerify needs it, exactly as it did when the leaf was parsed there.
    /// </summary>
    /// <param name="leafCertificateDer">The end-entity certificate, DER.</param>
    /// <param name="shared">True for a cache entry, whose imported key object is kept until <see cref="Retire"/>.</param>
    public static LeafPublicKey FromCertificate(ReadOnlySpan<byte> leafCertificateDer, bool shared)
    {
        try
        {
            return new LeafPublicKey(PublicKeys.Parse(SubjectPublicKeyInfo(leafCertificateDer)), shared);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or ArgumentException)
        {
            return new LeafPublicKey(null, shared: false);
        }
    }

    /// <summary>The parsed SubjectPublicKeyInfo.</summary>
    /// <exception cref="TlsException">bad_certificate when the leaf or its SubjectPublicKeyInfo could not be parsed.</exception>
    public PublicKeys.Info Info =>
        _info ?? throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the end-entity certificate could not be parsed");

    /// <summary>The idle imported key object, now owned by the caller, or null when none is idle.</summary>
    public AsymmetricAlgorithm? TakeImported() => Interlocked.Exchange(ref _idle, null);

    /// <summary>Hands an imported key object back after a verification that completed normally.</summary>
    public void ReturnImported(AsymmetricAlgorithm key)
    {
        if (Interlocked.CompareExchange(ref _idle, key, null) is not null)
        {
            key.Dispose();
            return;
        }

        // Retire may have run between the exchange above and now: whoever takes the object last disposes it.
        if (Volatile.Read(ref _retired) == 1)
        {
            Interlocked.Exchange(ref _idle, null)?.Dispose();
        }
    }

    /// <summary>Called when the cache drops this key: the idle object is freed, later returns are disposed.</summary>
    public void Retire()
    {
        Volatile.Write(ref _retired, 1);
        Interlocked.Exchange(ref _idle, null)?.Dispose();
    }

    /// <summary>Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ... } ... }.</summary>
    private static byte[] SubjectPublicKeyInfo(ReadOnlySpan<byte> certificateDer)
    {
        var certificate = new AsnReader(certificateDer.ToArray(), AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
        {
            tbs.ReadEncodedValue();
        }

        for (int i = 0; i < 5; i++)
        {
            tbs.ReadEncodedValue();
        }

        return tbs.ReadEncodedValue().ToArray();
    }
}
