using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.X509;
using Reference.Tls.Certificates;

namespace Reference.Tls;

/// <summary>
/// A certificate chain (leaf first, as sent in the Certificate message) and the leaf's private key.
/// Supports RSA, ECDSA (P-256, P-384, P-521) and Ed25519 keys. Dispose to release and wipe the key.
/// </summary>
public sealed class CertificateKeyPair : IDisposable
{
    private readonly LoadedPrivateKey _key;
    private readonly PublicKeyKind _kind;

    // The leaf, loaded once: host-name matching runs on every handshake (chain selection and the server_name
    // acknowledgement), and loading an X509Certificate2 costs ~0.1 ms. Calls are serialised on it because the
    // configuration (and so this pair) is shared by concurrent connections.
    private readonly Lazy<X509Certificate2> _leaf;

    // Answers per (host name, wildcards): the leaf never changes, and matching re-reads its subjectAltName on
    // every call (~4 KB of ASN.1 objects per handshake, under the lock). Bounded, as the names come from peers.
    private readonly ConcurrentDictionary<(string HostName, bool Wildcards), bool> _hostNameMatches = new();
    private bool _disposed;

    private const int MaxRememberedHostNames = 64;

    private CertificateKeyPair(IReadOnlyList<byte[]> chainDer, LoadedPrivateKey key, PublicKeyKind kind)
    {
        ChainDer = chainDer;
        _key = key;
        _kind = kind;
        SignatureSchemes = PublicKeys.SchemesFor(kind);
        Profile = ChainProfile.Of(chainDer);
        _leaf = new Lazy<X509Certificate2>(() => X509CertificateLoader.LoadCertificate(chainDer[0]), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The DER certificates, leaf first, as sent in the Certificate message.</summary>
    internal IReadOnlyList<byte[]> ChainDer { get; }

    /// <summary>The TLS 1.3 CertificateVerify schemes this key can sign with, in preference order.</summary>
    internal IReadOnlyList<SignatureScheme> SignatureSchemes { get; }

    /// <summary>Issuer names and certificate signature schemes of the chain, for certificate selection.</summary>
    internal ChainProfile Profile { get; }

    /// <summary>
    /// Whether the leaf certificate names <paramref name="hostName"/>: exactly, or also through a wildcard when
    /// <paramref name="allowWildcards"/> is set.
    /// </summary>
    internal bool MatchesHostName(string hostName, bool allowWildcards = true)
    {
        if (_hostNameMatches.TryGetValue((hostName, allowWildcards), out bool known))
        {
            return known;
        }

        bool matches = LeafMatchesHostName(hostName, allowWildcards);
        if (_hostNameMatches.Count < MaxRememberedHostNames)
        {
            _hostNameMatches.TryAdd((hostName, allowWildcards), matches);
        }

        return matches;
    }

    private bool LeafMatchesHostName(string hostName, bool allowWildcards)
    {
        try
        {
            X509Certificate2 leaf = _leaf.Value;
            lock (leaf)
            {
                return leaf.MatchesHostname(hostName, allowWildcards);
            }
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The leaf's private key (deterministic-mode signing only).</summary>
    internal LoadedPrivateKey PrivateKey => _disposed ? throw TlsErrors.Usage("the CertificateKeyPair has been disposed") : _key;

    /// <summary>Loads a PEM chain (leaf first) and the leaf's PEM private key (PKCS#8, SEC 1 or PKCS#1).</summary>
    /// <exception cref="TlsException">Usage error when either input is malformed, unsupported or mismatched.</exception>
    public static CertificateKeyPair FromPem(string chainPem, string privateKeyPem)
    {
        IReadOnlyList<byte[]> chain = ReadChain(chainPem);
        CertificateRules.CheckOwnChain(chain);
        LoadedPrivateKey key = PrivateKeyLoader.Load(privateKeyPem);
        try
        {
            PublicKeys.Info leafKey = ReadLeafKey(chain[0]);
            if (PublicKeys.SchemesFor(leafKey.Kind).Count == 0)
            {
                throw TlsErrors.Usage($"the leaf certificate's public key ({leafKey.Kind}) cannot sign TLS 1.3 handshakes");
            }

            if (!CryptographicOperations.FixedTimeEquals(PublicSpkiOf(key), leafKey.Spki))
            {
                throw TlsErrors.Usage("the private key does not belong to the leaf (first) certificate in the chain");
            }

            return new CertificateKeyPair(chain, key, leafKey.Kind);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Reads <see cref="FromPem"/>'s inputs from files.</summary>
    public static CertificateKeyPair FromPemFiles(string chainPath, string privateKeyPath) =>
        FromPem(Pem.ReadFile(chainPath, "certificate chain"), Pem.ReadFile(privateKeyPath, "private key"));

    /// <summary>
    /// Signs <paramref name="message"/> (the CertificateVerify content) with <paramref name="scheme"/>, which must
    /// be one of <see cref="SignatureSchemes"/>.
    /// </summary>
    internal byte[] Sign(SignatureScheme scheme, ReadOnlySpan<byte> message)
    {
        if (_disposed)
        {
            throw TlsErrors.Usage("the CertificateKeyPair has been disposed");
        }

        if (!SignatureSchemes.Contains(scheme))
        {
            throw TlsErrors.Internal($"signature scheme {scheme} is not usable with this {_kind} key");
        }

        if (_key.Ecdsa is { } ecdsa)
        {
            return ecdsa.SignData(message, PublicKeys.HashOf(scheme)!.Value, DSASignatureFormat.Rfc3279DerSequence);
        }

        if (_key.Rsa is { } rsa)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
            //# RSASSA-PSS RSAE algorithms:  Indicates a signature algorithm using
            //# RSASSA-PSS [RFC8017] with mask generation function 1.  The digest
            //# used in the mask generation function and the digest being signed
            //# are both the corresponding hash algorithm as defined in [SHS].
            //# The length of the Salt MUST be equal to the length of the output
            //# of the digest algorithm.
            return rsa.SignData(message, PublicKeys.HashOf(scheme)!.Value, RSASignaturePadding.Pss);
        }

        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(_key.Ed25519Seed!));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>Releases the private key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _key.Dispose();
            if (_leaf.IsValueCreated)
            {
                _leaf.Value.Dispose();
            }
        }
    }

    private static IReadOnlyList<byte[]> ReadChain(string chainPem)
    {
        List<Pem.Block> blocks = Pem.ReadAll(chainPem ?? throw TlsErrors.Usage("the certificate chain PEM is null"));
        byte[][] chain = blocks.Where(b => b.Label == "CERTIFICATE").Select(b => b.Der).ToArray();
        if (chain.Length == 0)
        {
            throw TlsErrors.Usage("the certificate chain PEM contains no CERTIFICATE block");
        }

        for (int i = 0; i < chain.Length; i++)
        {
            try
            {
                using X509Certificate2 parsed = X509CertificateLoader.LoadCertificate(chain[i]);
            }
            catch (CryptographicException)
            {
                throw TlsErrors.Usage($"certificate {i} of the chain (0 = leaf) could not be parsed");
            }
        }

        return chain;
    }

    private static PublicKeys.Info ReadLeafKey(byte[] leafDer)
    {
        try
        {
            using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(leafDer);
            return PublicKeys.Parse(leaf.PublicKey.ExportSubjectPublicKeyInfo());
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            throw TlsErrors.Usage("the leaf certificate's public key could not be parsed");
        }
    }

    private static byte[] PublicSpkiOf(LoadedPrivateKey key)
    {
        if (key.Ecdsa is { } ecdsa)
        {
            return ecdsa.ExportSubjectPublicKeyInfo();
        }

        if (key.Rsa is { } rsa)
        {
            return rsa.ExportSubjectPublicKeyInfo();
        }

        var publicKey = new Ed25519PrivateKeyParameters(key.Ed25519Seed!).GeneratePublicKey();
        return SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded();
    }
}
