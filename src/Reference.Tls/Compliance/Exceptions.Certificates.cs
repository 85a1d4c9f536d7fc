// RFC 8446 requirements on certificates, FFDHE and exporters that the engine does not meet or check itself (yet),
// each with the reason. This file holds only citations (duvet reads comments); see compliance/README.md.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
//= type=exception
//= reason=The s2n policy 20190801 (used only for byte-for-byte compatibility with s2n-tls) offers the SHA-224
//= reason=pairs 0x0301 and 0x0303 in signature_algorithms, as s2n does. They are never negotiated:
//= reason=SignatureVerifier.IsSupported refuses them (illegal_parameter), see AlgorithmComplianceTests.
//# They MUST NOT be offered or negotiated by any
//# implementation.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8.1
//= type=exception
//= reason=No finite-field (FFDHE) group is implemented: ffdhe* groups are never offered, and a peer's
//= reason=choice of one is refused like any group the engine did not offer.
//# Peers MUST validate each other's public key Y by ensuring that 1 < Y
//# < p-1.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
//= type=exception
//= reason=The engine sends the configured chain exactly as the operator supplied it (as s2n-tls does); the
//= reason=order of the certificates after the leaf is the operator's responsibility.
//# Each following certificate SHOULD directly certify the one
//# immediately preceding it.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
//= type=exception
//= reason=The engine sends no CertificateEntry extensions (no status_request or signed_certificate_timestamp
//= reason=support, as with s2n's default configuration); there is no chain-wide extension to place.
//# If an extension applies to the entire chain, it SHOULD be included in
//# the first CertificateEntry.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
//= type=exception
//= reason=A client certificate that is presented but fails validation always aborts the handshake
//= reason=(bad_certificate and friends), as s2n-tls does: silently treating it as "no certificate" would let a
//= reason=misconfigured client believe it authenticated. ClientAuthMode.Optional only tolerates an empty Certificate.
//# Also, if some aspect of the certificate chain was
//# unacceptable (e.g., it was not signed by a known, trusted CA), the
//# server MAY at its discretion either continue the handshake (considering
//# the client unauthenticated) or abort the handshake.

//= https://www.rfc-editor.org/rfc/rfc8446#section-7.4.2
//= type=exception
//= reason=X25519 is computed with RFC 7748's own approach (libsodium's crypto_scalarmult_curve25519 through Geralt,
//= reason=checked against the RFC 7748 section 5.2 and 6.1 vectors and differentially against BouncyCastle's Rfc7748
//= reason=X25519 in X25519DifferentialTests and OptionalBehaviourComplianceTests); no alternative implementation is used.
//# If implementors use an alternative implementation of these elliptic
//# curves, they SHOULD perform the additional checks specified in
//# Section 7 of [RFC7748].
