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

// Signatures on certificates are checked by the platform's X509Chain (OpenSSL), not by the
// engine; no test yet shows that a non-DER RSASSA-PSS AlgorithmIdentifier is refused.
//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
//= type=todo
//# When used in
//# certificate signatures, the algorithm parameters MUST be DER
//# encoded.

// Entries are always parsed as X.509 (RFC 7250 raw public keys are never negotiated), but the
// engine does not check that a certificate's version is v3.
//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
//= type=todo
//# The certificate type MUST be X.509v3 [RFC5280], unless explicitly
//# negotiated otherwise (e.g., [RFC7250]).

// Entries are always parsed as X.509 (RFC 7250 raw public keys are never negotiated), but the
// engine does not check that a certificate's version is v3.
//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
//= type=todo
//# The certificate type MUST be X.509v3 [RFC5280], unless explicitly
//# negotiated otherwise (e.g., [RFC7250]).

// Neither the configured certificate nor the peer's leaf is checked for the digitalSignature
// Key Usage bit yet.
//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.2
//= type=todo
//# The certificate MUST allow the key to be used for signing (i.e.,
//# the digitalSignature bit MUST be set if the Key Usage extension is
//# present) with a signature scheme indicated in the client's
//# "signature_algorithms"/"signature_algorithms_cert" extensions (see
//# Section 4.2.3).

// Certificate signatures are checked by the platform's X509Chain (OpenSSL); no test yet shows which
// status an MD5-signed certificate gets, nor that it maps to bad_certificate.
//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
//= type=todo
//# Any endpoint receiving any certificate which it would need to
//# validate using any signature algorithm using an MD5 hash MUST abort
//# the handshake with a "bad_certificate" alert.

// Certificate signatures are checked by the platform's X509Chain (OpenSSL); SHA-1 signed chains are
// not refused by the engine itself.
//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.4
//= type=todo
//# SHA-1 is deprecated,
//# and it is RECOMMENDED that any endpoint receiving any certificate
//# which it would need to validate using any signature algorithm using a
//# SHA-1 hash abort the handshake with a "bad_certificate" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
//= type=exception
//= reason=The engine sends the configured chain exactly as the operator supplied it (as s2n-tls does); the
//= reason=order of the certificates after the leaf is the operator's responsibility.
//# Each following certificate SHOULD directly certify the one
//# immediately preceding it.

// TlsConnection.ExportKeyingMaterial reads only exporter_master_secret; there is no 0-RTT yet, so no early exporter.
//= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
//= type=todo
//# A separate
//# interface for the early exporter is RECOMMENDED; this avoids the
//# exporter user accidentally using an early exporter when a regular one
//# is desired or vice versa.
