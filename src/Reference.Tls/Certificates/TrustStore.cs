using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Reference.Tls.Certificates;

namespace Reference.Tls;

/// <summary>The trust anchors a peer's certificate chain must lead to. Immutable and safe to share.</summary>
public sealed class TrustStore
{
    private readonly byte[][] _rootsDer;

    // Parsed once: loading a certificate costs about as much as a key exchange, and the roots never change.
    private readonly X509Certificate2[] _roots;

    // This instance is the trust store's identity: immutable anchors, so its own cache never needs invalidating.
    private readonly VerifiedChainCache _verified;

    private TrustStore(byte[][] rootsDer, int verifiedChainCapacity)
    {
        _rootsDer = rootsDer;
        _roots = rootsDer.Select(X509CertificateLoader.LoadCertificate).ToArray();
        _verified = new VerifiedChainCache(verifiedChainCapacity);
    }

    /// <summary>Loads one or more PEM CERTIFICATE blocks as trust anchors.</summary>
    /// <exception cref="TlsException">Usage error when the PEM holds no parseable certificate.</exception>
    public static TrustStore FromPem(string pem) => FromPem(pem, VerifiedChainCache.DefaultCapacity);

    /// <summary>As <see cref="FromPem(string)"/>, keeping up to <paramref name="verifiedChainCapacity"/> verified chains (0: none).</summary>
    internal static TrustStore FromPem(string pem, int verifiedChainCapacity)
    {
        List<Pem.Block> blocks = Pem.ReadAll(pem ?? throw TlsErrors.Usage("the trust store PEM is null"));
        byte[][] roots = blocks.Where(b => b.Label == "CERTIFICATE").Select(b => b.Der).ToArray();
        if (roots.Length == 0)
        {
            throw TlsErrors.Usage("the trust store PEM contains no CERTIFICATE block");
        }

        for (int i = 0; i < roots.Length; i++)
        {
            try
            {
                using X509Certificate2 parsed = X509CertificateLoader.LoadCertificate(roots[i]);
            }
            catch (CryptographicException)
            {
                throw TlsErrors.Usage($"trust store certificate {i} could not be parsed");
            }
        }

        return new TrustStore(roots, verifiedChainCapacity);
    }

    /// <summary>The roots' subject names (DER), as a CertificateRequest's certificate_authorities lists them.</summary>
    internal IReadOnlyList<byte[]> RootSubjectNames()
    {
        return _roots.Select(r => r.SubjectName.RawData).ToList();
    }

    /// <summary>Whether <paramref name="certificateDer"/> is one of the trust anchors, byte for byte.</summary>
    internal bool IsTrustAnchor(byte[] certificateDer) => IsTrustAnchor(certificateDer.AsSpan());

    private bool IsTrustAnchor(ReadOnlySpan<byte> certificateDer)
    {
        foreach (byte[] root in _rootsDer)
        {
            if (root.AsSpan().SequenceEqual(certificateDer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many verified chains are cached (tests).</summary>
    internal int VerifiedChainCount => _verified.Count;

    /// <summary>A trust store of the CERTIFICATE blocks in a PEM file.</summary>
    public static TrustStore FromPemFile(string path) => FromPem(Pem.ReadFile(path, "trust store"));

    /// <summary>
    /// Validates a peer's chain (leaf first) against the trust anchors at the current time and, when
    /// <paramref name="hostName"/> is given, checks the leaf is issued for it.
    /// </summary>
    /// <exception cref="TlsException">Protocol error carrying the certificate alert to send.</exception>
    internal LeafPublicKey ValidateChain(IReadOnlyList<byte[]> chainDer, string? hostName, SignatureScheme? unused = null) =>
        ValidateChain(chainDer, hostName, DateTime.Now, requiredUsage: null);

    /// <summary>
    /// Validates at <paramref name="verificationTime"/> (local time, as X509ChainPolicy expects) and, when
    /// <paramref name="requiredUsage"/> is given (e.g. the serverAuth OID 1.3.6.1.5.5.7.3.1), requires that EKU.
    /// A chain this store accepted before with the same options, within its validity, is answered from the
    /// verified-chain cache (see <see cref="VerifiedChainCache"/> for why that gives the same verdict).
    /// The TLS rules that depend on the handshake (CertificateRules.CheckPeerChain) are the caller's, every time.
    /// </summary>
    /// <returns>The leaf's public key, for CertificateVerify.</returns>
    internal LeafPublicKey ValidateChain(IReadOnlyList<byte[]> chainDer, string? hostName, DateTime verificationTime, string? requiredUsage)
    {
        ArgumentNullException.ThrowIfNull(chainDer);
        if (chainDer.Count == 0)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the peer sent an empty certificate chain");
        }

        VerifiedChainCache.ChainKey key = VerifiedChainCache.KeyOf(chainDer, hostName, requiredUsage);
        return _verified.Find(key, verificationTime.ToUniversalTime())
            ?? ValidateUncached(chainDer, hostName, verificationTime, requiredUsage, key);
    }

    private LeafPublicKey ValidateUncached(
        IReadOnlyList<byte[]> chainDer, string? hostName, DateTime verificationTime, string? requiredUsage, VerifiedChainCache.ChainKey key)
    {
        X509Certificate2[] chain = ParseChain(chainDer);
        try
        {
            X509Certificate2 leaf = chain[0];
            Validity? anchor = BuildChain(chain, verificationTime, requiredUsage);
            if (hostName is not null)
            {
                CheckHostName(leaf, hostName);
            }

            return Remember(key, chain, anchor, chainDer[0]);
        }
        finally
        {
            foreach (X509Certificate2 certificate in chain)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>A validity period in UTC (RFC 5280 §4.1.2.5).</summary>
    private readonly record struct Validity(DateTime NotBeforeUtc, DateTime NotAfterUtc)
    {
        public static Validity Of(X509Certificate2 certificate) =>
            new(certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());

        public Validity Intersect(Validity other) => new(
            NotBeforeUtc > other.NotBeforeUtc ? NotBeforeUtc : other.NotBeforeUtc,
            NotAfterUtc < other.NotAfterUtc ? NotAfterUtc : other.NotAfterUtc);
    }

    /// <summary>
    /// Caches a success for the times every sent certificate and the anchor are valid at, when the path was built
    /// from those alone (<paramref name="anchor"/> is then the anchor's period, otherwise null).
    /// </summary>
    private LeafPublicKey Remember(VerifiedChainCache.ChainKey key, X509Certificate2[] chain, Validity? anchor, byte[] leafDer)
    {
        if (anchor is not { } window)
        {
            return LeafPublicKey.FromCertificate(leafDer, shared: false);
        }

        // Every certificate the peer sent, extraneous ones too: within the window OpenSSL sees the same candidates
        // as valid and so builds the same path.
        foreach (X509Certificate2 certificate in chain)
        {
            window = window.Intersect(Validity.Of(certificate));
        }

        var leafKey = LeafPublicKey.FromCertificate(leafDer, shared: true);
        return _verified.Add(key, window.NotBeforeUtc, window.NotAfterUtc, leafKey) ? leafKey : LeafPublicKey.FromCertificate(leafDer, shared: false);
    }

    private static X509Certificate2[] ParseChain(IReadOnlyList<byte[]> chainDer)
    {
        var chain = new X509Certificate2[chainDer.Count];
        for (int i = 0; i < chain.Length; i++)
        {
            try
            {
                chain[i] = X509CertificateLoader.LoadCertificate(chainDer[i] ?? []);
            }
            catch (CryptographicException)
            {
                foreach (X509Certificate2? parsed in chain.Take(i))
                {
                    parsed.Dispose();
                }

                //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
                //# bad_certificate:  A certificate was corrupt, contained signatures
                //# that did not verify correctly, etc.
                throw TlsErrors.Protocol(AlertDescription.BadCertificate, $"certificate {i} of the peer's chain (0 = leaf) could not be parsed");
            }
        }

        return chain;
    }

    // The anchor comes from this store, never from the peer: a chain that leaves out its root validates.
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    //# Because certificate validation requires that trust anchors be
    //# distributed independently, a certificate that specifies a trust
    //# anchor MAY be omitted from the chain, provided that supported peers
    //# are known to possess any omitted certificates.
    /// <returns>The anchor's validity when the path consists of sent certificates and one of our anchors; null
    /// when it also used a certificate from the system's stores, which a cached verdict could not account for.</returns>
    private Validity? BuildChain(X509Certificate2[] chain, DateTime verificationTime, string? requiredUsage)
    {
        using var x509Chain = new X509Chain();
        X509ChainPolicy policy = x509Chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = verificationTime;
        policy.VerificationTimeIgnored = false;
        if (requiredUsage is not null)
        {
            policy.ApplicationPolicy.Add(new Oid(requiredUsage));
        }

        try
        {
            policy.CustomTrustStore.AddRange(_roots);

            for (int i = 1; i < chain.Length; i++)
            {
                policy.ExtraStore.Add(chain[i]);
            }

            if (!BuildOrReject(x509Chain, chain[0]))
            {
                throw ChainFailure(chain[0], x509Chain.ChainStatus);
            }

            return CacheableAnchor(x509Chain.ChainElements, chain);
        }
        catch (CryptographicException)
        {
            // A certificate can load yet be too corrupt for the platform's chain builder, which then throws
            // instead of reporting a status (found by fuzzing the server flight).
            //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
            //# bad_certificate:  A certificate was corrupt, contained signatures
            //# that did not verify correctly, etc.
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the peer's certificate chain could not be processed");
        }
        finally
        {
            // The chain hands out copies of every element (roots included), never the store's own roots.
            foreach (X509ChainElement element in x509Chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    private Validity? CacheableAnchor(X509ChainElementCollection path, X509Certificate2[] sent)
    {
        X509Certificate2 anchor = path[^1].Certificate;
        if (!IsTrustAnchor(anchor.RawDataMemory.Span))
        {
            return null;
        }

        for (int i = 0; i < path.Count - 1; i++)
        {
            if (!WasSent(path[i].Certificate, sent))
            {
                return null;
            }
        }

        return Validity.Of(anchor);
    }

    private static bool WasSent(X509Certificate2 element, X509Certificate2[] sent)
    {
        foreach (X509Certificate2 certificate in sent)
        {
            if (certificate.RawDataMemory.Span.SequenceEqual(element.RawDataMemory.Span))
            {
                return true;
            }
        }

        return false;
    }

    private static bool BuildOrReject(X509Chain x509Chain, X509Certificate2 leaf)
    {
        try
        {
            return x509Chain.Build(leaf);
        }
        catch (CryptographicException)
        {
            // OpenSSL refuses some certificates that parsed, e.g. one whose public key cannot be decoded.
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, $"certificate chain for '{leaf.Subject}' could not be processed");
        }
    }

    /// <summary>Maps the chain status to one alert, most fundamental failure first.</summary>
    private static TlsException ChainFailure(X509Certificate2 leaf, X509ChainStatus[] statuses)
    {
        X509ChainStatusFlags flags = statuses.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        string details = string.Join("; ", statuses.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        string what = $"certificate chain for '{leaf.Subject}' did not validate ({details})";

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
        //# If the client cannot construct an acceptable chain using the provided
        //# certificates and decides to abort the handshake, then it MUST abort
        //# the handshake with an appropriate certificate-related alert (by
        //# default, "unsupported_certificate"; see Section 6.2 for more
        //# information).
        AlertDescription alert =
            (flags & (X509ChainStatusFlags.NotSignatureValid | X509ChainStatusFlags.Cyclic)) != 0 ? AlertDescription.BadCertificate
            //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
            //# unknown_ca:  A valid certificate chain or partial chain was received,
            //# but the certificate was not accepted because the CA certificate
            //# could not be located or could not be matched with a known trust
            //# anchor.
            : (flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0 ? AlertDescription.UnknownCa
            //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
            //# certificate_expired:  A certificate has expired or is not currently
            //# valid.
            : (flags & X509ChainStatusFlags.NotTimeValid) != 0 ? AlertDescription.CertificateExpired
            : (flags & X509ChainStatusFlags.Revoked) != 0 ? AlertDescription.CertificateRevoked
            //= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
            //# unsupported_certificate:  A certificate was of an unsupported type.
            : (flags & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.HasNotSupportedCriticalExtension
                | X509ChainStatusFlags.InvalidExtension)) != 0
                ? AlertDescription.UnsupportedCertificate
            : AlertDescription.BadCertificate;
        return TlsErrors.Protocol(alert, what);
    }

    private static void CheckHostName(X509Certificate2 leaf, string hostName)
    {
        bool matches;
        try
        {
            // Like s2n-tls, the subject CN is consulted only when the certificate has no subjectAltName.
            matches = leaf.MatchesHostname(hostName, allowWildcards: true, allowCommonName: true);
        }
        catch (ArgumentException)
        {
            throw TlsErrors.Usage($"'{hostName}' is not a valid host name to check a certificate against");
        }
        catch (CryptographicException)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, $"the subjectAltName of '{leaf.Subject}' could not be parsed");
        }

        if (!matches)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, $"certificate for '{leaf.Subject}' is not valid for host name '{hostName}'");
        }
    }
}
