using Reference.Tls.Certificates;
using Reference.Tls.Extensions;
using Reference.Tls.Handshake.Messages;
using Reference.Tls.StateMachine;

namespace Reference.Tls;

/// <summary>Certificate, CertificateVerify and Finished: the same checks for either signer.</summary>
public sealed partial class TlsConnection
{
    // The validated leaf's key (from the trust store's verified-chain cache on a repeat peer), so CertificateVerify
    // does not parse the leaf again; null when verification is disabled.
    private LeafPublicKey? _peerLeafKey;

    private void ReceivePeerCertificate(ReadOnlySpan<byte> message, ReadOnlySpan<byte> expectedContext)
    {
        var certificate = CertificateMessage.Parse(message[4..]);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# If this message is in response to a
        //# CertificateRequest, the value of certificate_request_context in
        //# that message.  Otherwise (in the case of server authentication),
        //# this field SHALL be zero length.
        if (!certificate.Context.AsSpan().SequenceEqual(expectedContext))
        {
            throw TlsErrors.IllegalParameter("certificate_request_context does not match");
        }

        foreach (var entry in certificate.Entries)
        {
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
            //# Extensions in the Certificate message from the server MUST
            //# correspond to ones from the ClientHello message.
            //
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
            //# Extensions in
            //# the Certificate message from the client MUST correspond to
            //# extensions in the CertificateRequest message from the server.
            // We request no OCSP or SCT responses, so any entry extension is unsolicited.
            ExtensionBlockRules.RejectCertificateEntryExtensions(entry.Extensions);
        }

        // The first entry is taken as the end-entity certificate; the rest only help X509Chain build a path
        // (ExtraStore), so extra certificates and any order among them are accepted.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# For maximum
        //# compatibility, all implementations SHOULD be prepared to handle
        //# potentially extraneous certificates and arbitrary orderings from any
        //# TLS version, with the exception of the end-entity certificate which
        //# MUST be first.
        _peerChain = certificate.Entries.Select(e => e.Data).ToList();
        if (_peerChain.Count > 0 && !_config.DangerousDisableCertificateVerification)
        {
            // Like C s2n-tls, the TLS-specific rules are part of verification: skipped when it is disabled. They
            // depend on this handshake's advertised signature_algorithms, so they run on every handshake, before the
            // trust store (whose verified-chain cache covers only path validation and the host name).
            //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
            //# Any endpoint receiving any certificate which it would need to
            //# validate using any signature algorithm using an MD5 hash MUST abort
            //# the handshake with a "bad_certificate" alert.
            CertificateRules.CheckPeerChain(_peerChain, _config.SignatureSchemes, _config.TrustStore!.IsTrustAnchor);
            _peerLeafKey = _config.TrustStore!.ValidateChain(_peerChain, Role == TlsRole.Client ? _serverName : null, _config.DangerousClock?.Invoke() ?? DateTime.Now, requiredUsage: null);
        }

        _transcript.Add(message);
    }

    private SignatureScheme ReceivePeerCertificateVerify(ReadOnlySpan<byte> message, IReadOnlyList<SignatureScheme> offered)
    {
        var verify = CertificateVerifyMessage.Parse(message[4..]);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# If the CertificateVerify message is sent by a server, the signature
        //# algorithm MUST be one offered in the client's "signature_algorithms"
        //# extension unless no valid certificate chain can be produced without
        //# unsupported algorithms (see Section 4.2.3).
        //
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# If sent by a client, the signature algorithm used in the signature
        //# MUST be one of those present in the supported_signature_algorithms
        //# field of the "signature_algorithms" extension in the
        //# CertificateRequest message.
        if (!offered.Contains(verify.Scheme))
        {
            throw TlsErrors.IllegalParameter($"CertificateVerify uses {verify.Scheme}, which was not offered");
        }

        var content = CertificateVerifyContent.Build(server: Role == TlsRole.Client, _transcript.Current());
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# If the verification fails, the receiver MUST terminate the handshake
        //# with a "decrypt_error" alert.
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.3
        //# The receiver of a CertificateVerify message MUST verify the signature
        //# field.
        LeafPublicKey leafKey = _peerLeafKey ?? LeafPublicKey.FromCertificate(_peerChain[0], shared: false);
        if (!SignatureVerifier.Verify(verify.Scheme, leafKey, content, verify.Signature))
        {
            throw TlsErrors.Protocol(AlertDescription.DecryptError, "CertificateVerify signature does not verify");
        }

        // Needed once: an established connection does not keep it.
        _peerLeafKey = null;

        _transcript.Add(message);
        return verify.Scheme;
    }

    private void ReceivePeerFinished(ReadOnlySpan<byte> message, ReadOnlySpan<byte> peerHandshakeSecret)
    {
        var verifyData = FinishedMessage.Parse(message[4..], _schedule!.Suite.HashLength);
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
        //# Recipients of Finished messages MUST verify that the contents are
        //# correct and if incorrect MUST terminate the connection with a
        //# "decrypt_error" alert.
        if (!_schedule.VerifyFinished(peerHandshakeSecret, _transcript.Current(), verifyData))
        {
            throw TlsErrors.Protocol(AlertDescription.DecryptError, "Finished verify_data is wrong");
        }

        _transcript.Add(message);
        _peerFinishedReceived = true;
    }

    private void SendCertificate(CertificateKeyPair? certificate, byte[] context)
    {
        //= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
        //# The sender's certificate MUST come in the first CertificateEntry in the
        //# list.
        var entries = certificate?.ChainDer.Select(d => new CertificateEntry(d, [])).ToList() ?? [];
        var kind = entries.Count == 0 ? TableMessage.EmptyCertificate : TableMessage.Certificate;
        SendHandshake(kind, HandshakeType.Certificate, new CertificateMessage { Context = context, Entries = entries }.Write);
    }

    private void SendCertificateVerify(CertificateKeyPair certificate, SignatureScheme scheme)
    {
        var content = CertificateVerifyContent.Build(server: Role == TlsRole.Server, _transcript.Current());
        var signature = _config.DangerousDeterministicRandom is { } random ? Crypto.DeterministicSigning.Sign(certificate, scheme, content, random) : certificate.Sign(scheme, content);
        SendHandshake(TableMessage.CertificateVerify, HandshakeType.CertificateVerify, new CertificateVerifyMessage(scheme, signature).Write);
    }

    private void SendFinished(ReadOnlySpan<byte> ownHandshakeSecret)
    {
        var verifyData = _schedule!.ComputeFinishedVerifyData(ownHandshakeSecret, _transcript.Current());
        SendHandshake(TableMessage.Finished, HandshakeType.Finished, w => w.WriteBytes(verifyData));
    }

    /// <summary>
    /// Our chain for a CertificateRequest (RFC 8446 §4.4.2.3): its signature_algorithms, signature_algorithms_cert and
    /// certificate_authorities; null when no configured chain is suitable.
    /// </summary>
    private SelectedCertificate? SelectClientCertificate(CertificateRequest request)
    {
        var server = new CertificateRequirements(
            U16ListExtension.Decode(ExtensionBlock.Find(request.Extensions, ExtensionType.SignatureAlgorithms)!, "signature_algorithms"),
            ExtensionBlock.Find(request.Extensions, ExtensionType.SignatureAlgorithmsCert) is { } cert ? U16ListExtension.Decode(cert, "signature_algorithms_cert") : null,
            ExtensionBlock.Find(request.Extensions, ExtensionType.CertificateAuthorities) is { } cas ? CertificateAuthoritiesExtension.Decode(cas) : null,
            ServerName: null);
        return CertificateSelection.ForClient(_config.OwnCertificates, server, _config.SignatureSchemes);
    }
}
