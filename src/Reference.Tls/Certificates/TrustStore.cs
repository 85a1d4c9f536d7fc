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

    private TrustStore(byte[][] rootsDer)
    {
        _rootsDer = rootsDer;
        _roots = rootsDer.Select(X509CertificateLoader.LoadCertificate).ToArray();
    }

    /// <summary>Loads one or more PEM CERTIFICATE blocks as trust anchors.</summary>
    /// <exception cref="TlsException">Usage error when the PEM holds no parseable certificate.</exception>
    public static TrustStore FromPem(string pem)
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

        return new TrustStore(roots);
    }

    /// <summary>The roots' subject names (DER), as a CertificateRequest's certificate_authorities lists them.</summary>
    internal IReadOnlyList<byte[]> RootSubjectNames()
    {
        return _roots.Select(r => r.SubjectName.RawData).ToList();
    }

    /// <summary>Whether <paramref name="certificateDer"/> is one of the trust anchors, byte for byte.</summary>
    internal bool IsTrustAnchor(byte[] certificateDer) => _rootsDer.Any(root => root.AsSpan().SequenceEqual(certificateDer));

    /// <summary>A trust store of the CERTIFICATE blocks in a PEM file.</summary>
    public static TrustStore FromPemFile(string path) => FromPem(Pem.ReadFile(path, "trust store"));

    /// <summary>
    /// Validates a peer's chain (leaf first) against the trust anchors at the current time and, when
    /// <paramref name="hostName"/> is given, checks the leaf is issued for it.
    /// </summary>
    /// <exception cref="TlsException">Protocol error carrying the certificate alert to send.</exception>
    internal void ValidateChain(IReadOnlyList<byte[]> chainDer, string? hostName, SignatureScheme? unused = null) =>
        ValidateChain(chainDer, hostName, DateTime.Now, requiredUsage: null);

    /// <summary>
    /// Validates at <paramref name="verificationTime"/> (local time, as X509ChainPolicy expects) and, when
    /// <paramref name="requiredUsage"/> is given (e.g. the serverAuth OID 1.3.6.1.5.5.7.3.1), requires that EKU.
    /// </summary>
    internal void ValidateChain(IReadOnlyList<byte[]> chainDer, string? hostName, DateTime verificationTime, string? requiredUsage)
    {
        ArgumentNullException.ThrowIfNull(chainDer);
        if (chainDer.Count == 0)
        {
            throw TlsErrors.Protocol(AlertDescription.BadCertificate, "the peer sent an empty certificate chain");
        }

        X509Certificate2[] chain = ParseChain(chainDer);
        try
        {
            X509Certificate2 leaf = chain[0];
            BuildChain(chain, verificationTime, requiredUsage);
            if (hostName is not null)
            {
                CheckHostName(leaf, hostName);
            }
        }
        finally
        {
            foreach (X509Certificate2 certificate in chain)
            {
                certificate.Dispose();
            }
        }
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
    private void BuildChain(X509Certificate2[] chain, DateTime verificationTime, string? requiredUsage)
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
