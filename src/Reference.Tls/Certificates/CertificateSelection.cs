using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Reference.Tls.Certificates;

/// <summary>
/// What a peer asked of our certificate: the CertificateVerify schemes it accepts (signature_algorithms), the
/// schemes it accepts in certificate signatures (signature_algorithms_cert, null when absent), the CAs it
/// named (certificate_authorities, null when absent) and, from a client, the server_name.
/// </summary>
internal sealed record CertificateRequirements(
    IReadOnlyCollection<ushort> SignatureAlgorithms,
    IReadOnlyCollection<ushort>? SignatureAlgorithmsCert,
    IReadOnlyList<byte[]>? CertificateAuthorities,
    string? ServerName);

/// <summary>A chain chosen for a handshake and the scheme its key signs CertificateVerify with.</summary>
internal readonly record struct SelectedCertificate(CertificateKeyPair Certificate, SignatureScheme Scheme);

/// <summary>
/// Chooses one of several configured chains for a handshake (RFC 8446 §4.4.2.2 for a server, §4.4.2.3 for a
/// client). Like C s2n-tls, a server first narrows the chains to those naming the client's server_name (exact
/// names, else the one-label wildcard, else every chain); then it takes, in configuration order, the first chain
/// of the best tier below whose key can sign with a scheme the peer offered.
/// </summary>
internal static class CertificateSelection
{
    /// <summary>A configured chain measured against one peer's requirements.</summary>
    private readonly record struct Candidate(CertificateKeyPair Certificate, SignatureScheme Scheme, bool ChainSignaturesAdvertised, bool IssuedByListedAuthority);

    // Tiers in order of preference. The chain-signature rule (a MUST "if able") outranks the
    // certificate_authorities hint (a SHOULD). Only a server may go past the first two: a client whose chains
    // all break the signature rule has no suitable certificate.
    //
    //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
    //# If the server cannot produce a certificate chain that is signed only via
    //# the indicated supported algorithms, then it SHOULD continue the
    //# handshake by sending the client a certificate chain of its choice that
    //# may include algorithms that are not known to be supported by the client.
    private static readonly Func<Candidate, bool>[] Tiers =
    [
        c => c.ChainSignaturesAdvertised && c.IssuedByListedAuthority,
        c => c.ChainSignaturesAdvertised,
        c => c.IssuedByListedAuthority,
        c => true,
    ];

    private const int ClientTiers = 2;

    /// <summary>
    /// The server's chain for a ClientHello, or null when no chain's key can sign with a scheme the client offered.
    /// </summary>
    public static SelectedCertificate? ForServer(IReadOnlyList<CertificateKeyPair> chains, CertificateRequirements client, IReadOnlyList<SignatureScheme> ourPreference) =>
        Choose(NameMatching(chains, client.ServerName), client, ourPreference, Tiers.Length);

    /// <summary>
    /// The client's chain for a CertificateRequest, or null when none is suitable (the client then sends an empty
    /// Certificate message, RFC 8446 §4.4.2).
    /// </summary>
    public static SelectedCertificate? ForClient(IReadOnlyList<CertificateKeyPair> chains, CertificateRequirements server, IReadOnlyList<SignatureScheme> ourPreference) =>
        Choose(chains, server, ourPreference, ClientTiers);

    /// <summary>The first scheme in our preference order that the peer offered and the key can sign with.</summary>
    public static SignatureScheme? SchemeFor(CertificateKeyPair certificate, IReadOnlyCollection<ushort> peerOffered, IReadOnlyList<SignatureScheme> ourPreference) =>
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
        //# -  The server's end-entity certificate's public key (and associated
        //# restrictions) MUST be compatible with the selected authentication
        //# algorithm from the client's "signature_algorithms" extension (currently
        //# RSA, ECDSA, or EdDSA).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# The keys found in certificates MUST also be of appropriate type for the
        //# signature algorithms they are used with.
        // The rule is Negotiation.ServerNegotiation.SignatureSchemeRules (proved in proofs/, NegotiationProofs).
        Negotiation.ServerNegotiation.ChooseSignatureScheme(ourPreference, peerOffered, certificate.SignatureSchemes);

    private static SelectedCertificate? Choose(IReadOnlyList<CertificateKeyPair> chains, CertificateRequirements peer, IReadOnlyList<SignatureScheme> ourPreference, int tiers)
    {
        var candidates = new List<Candidate>();
        foreach (var chain in chains)
        {
            if (SchemeFor(chain, peer.SignatureAlgorithms, ourPreference) is { } scheme)
            {
                candidates.Add(new Candidate(chain, scheme, ChainSignaturesAdvertised(chain, peer), IssuedByListedAuthority(chain, peer)));
            }
        }

        foreach (var tier in Tiers.AsSpan(0, tiers))
        {
            foreach (var candidate in candidates)
            {
                if (tier(candidate))
                {
                    return new SelectedCertificate(candidate.Certificate, candidate.Scheme);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// s2n's rule (s2n_conn_find_name_matching_certs): the chains whose leaf names the host exactly; if none, those
    /// matching it through a wildcard; if none, all chains. Without a server_name, all chains.
    /// </summary>
    private static IReadOnlyList<CertificateKeyPair> NameMatching(IReadOnlyList<CertificateKeyPair> chains, string? serverName)
    {
        if (serverName is null)
        {
            return chains;
        }

        foreach (bool wildcards in (ReadOnlySpan<bool>)[false, true])
        {
            var matching = chains.Where(c => c.MatchesHostName(serverName, wildcards)).ToList();
            if (matching.Count > 0)
            {
                return matching;
            }
        }

        return chains;
    }

    private static bool ChainSignaturesAdvertised(CertificateKeyPair chain, CertificateRequirements peer)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
        //# If no "signature_algorithms_cert" extension is
        //# present, then the "signature_algorithms" extension also applies to
        //# signatures appearing in certificates.
        var advertised = peer.SignatureAlgorithmsCert ?? peer.SignatureAlgorithms;
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
        //# All certificates provided by the server MUST be signed by a signature
        //# algorithm advertised by the client if it is able to provide such a chain
        //# (see Section 4.2.3).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
        //# -  The certificates MUST be signed using an acceptable signature
        //# algorithm, as described in Section 4.3.2.
        return chain.Profile.IssuedSignatures.All(schemes => schemes.Any(s => advertised.Contains((ushort)s)));
    }

    private static bool IssuedByListedAuthority(CertificateKeyPair chain, CertificateRequirements peer)
    {
        if (peer.CertificateAuthorities is not { } authorities)
        {
            return true;
        }

        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
        //# The "certificate_authorities" extension is used to indicate the
        //# certificate authorities (CAs) which an endpoint supports and which
        //# SHOULD be used by the receiving endpoint to guide certificate selection.
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
        //# -  If the "certificate_authorities" extension in the CertificateRequest
        //# message was present, at least one of the certificates in the certificate
        //# chain SHOULD be issued by one of the listed CAs.
        return chain.Profile.IssuerNames.Any(issuer => authorities.Any(name => name.AsSpan().SequenceEqual(issuer)));
    }
}

/// <summary>
/// Facts about our own chain that selection needs, read once at configuration: each certificate's issuer name
/// (DER) and, for every certificate that is not self-issued, the TLS schemes its signature corresponds to.
/// A self-issued certificate (a root sent along) begins the certification path, so its signature is not judged.
/// </summary>
internal sealed record ChainProfile(IReadOnlyList<byte[]> IssuerNames, IReadOnlyList<SignatureScheme[]> IssuedSignatures)
{
    /// <exception cref="TlsException">Usage error when a certificate cannot be read.</exception>
    public static ChainProfile Of(IReadOnlyList<byte[]> chainDer)
    {
        var issuers = new List<byte[]>();
        var signatures = new List<SignatureScheme[]>();
        for (int i = 0; i < chainDer.Count; i++)
        {
            try
            {
                using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(chainDer[i]);
                byte[] issuer = certificate.IssuerName.RawData;
                issuers.Add(issuer);
                if (!issuer.AsSpan().SequenceEqual(certificate.SubjectName.RawData))
                {
                    signatures.Add(CertificateSignatureAlgorithm.Read(chainDer[i]).Schemes);
                }
            }
            catch (Exception e) when (e is CryptographicException or AsnContentException)
            {
                throw TlsErrors.Usage($"certificate {i} of the chain (0 = leaf) could not be parsed ({e.Message})");
            }
        }

        return new ChainProfile(issuers, signatures);
    }
}
