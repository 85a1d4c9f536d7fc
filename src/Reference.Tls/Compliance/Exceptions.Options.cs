// RFC 8446 options the engine deliberately does not take.
// This file holds only citations (duvet reads comments); see compliance/README.md.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=exception
//= reason=Like C s2n-tls, the client does not abort when the server does not answer an optional
//= reason=request (ALPN, server_name); the application sees the outcome in ConnectionInfo.
//# In the event that a client requests additional functionality using
//# extensions and this functionality is not supplied by the server, the
//# client MAY abort the handshake.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
//= type=exception
//= reason=legacy_version is ignored whenever supported_versions is present, as C s2n-tls does.
//# Servers MAY abort the handshake upon receiving a ClientHello with
//# legacy_version 0x0304 or later.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.2
//= type=exception
//= reason=The server is never stateless: it keeps its state across a HelloRetryRequest.
//# Servers operating statelessly MUST ignore these records.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.4
//= type=exception
//= reason=The client does not send certificate_authorities (C s2n-tls does not either).
//# The client MAY send the "certificate_authorities" extension in the
//# ClientHello message.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.7
//= type=exception
//= reason=Like C s2n-tls, the server never sends supported_groups in EncryptedExtensions; it asks
//= reason=for its preferred group with a HelloRetryRequest instead.
//# If the server has a group it prefers to the ones in the "key_share"
//# extension but is still willing to accept the ClientHello, it SHOULD send
//# "supported_groups" to update the client's view of its preferences; this
//# extension SHOULD contain all groups the server supports, regardless of
//# whether they are currently supported by the client.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
//= type=exception
//= reason=The client always sends at least one key share.
//# Clients MAY send an empty client_shares vector in order to request group
//# selection from the server, at the cost of an additional round trip (see
//# Section 4.1.4).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
//= type=exception
//= reason=The client always sends at least one key share.
//# This vector MAY be empty if the client is requesting a
//# HelloRetryRequest.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.8
//= type=exception
//= reason=The client sends shares for its first hybrid and first classic group only (C s2n-tls's
//= reason=rule).
//# However, the values MAY be a non-contiguous subset of the
//# "supported_groups" extension and MAY omit the most preferred groups.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
//= type=exception
//= reason=Only the in-handshake CertificateRequest is sent, whose context is empty; post-handshake
//= reason=authentication (non-empty contexts) is not supported.
//# The certificate_request_context MUST be unique within the scope of this
//# connection (thus preventing replay of client CertificateVerify
//# messages).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
//= type=exception
//= reason=Only X.509 certificates are supported: client_certificate_type and server_certificate_type
//= reason=are never negotiated.
//# If the RawPublicKey certificate type was negotiated, then the
//# certificate_list MUST contain no more than one CertificateEntry, which
//# contains an ASN1_subjectPublicKeyInfo value as defined in [RFC7250],
//# Section 3.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
//= type=exception
//= reason=Only X.509 certificates are supported: client_certificate_type and server_certificate_type
//= reason=are never negotiated.
//# The OpenPGP certificate type [RFC6091] MUST NOT be used with TLS 1.3.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4
//= type=exception
//= reason=The server sends application data only after the handshake completes (WriteApplicationData
//= reason=refuses earlier).
//# Servers MAY send data after sending their first flight, but because the
//# handshake is not yet complete, they have no assurance of either the
//# peer's identity or its liveness (i.e., the ClientHello might have been
//# replayed).

//= https://www.rfc-editor.org/rfc/rfc8446#section-5.4
//= type=exception
//= reason=No record padding policy: records are sent without padding (received padding is stripped).
//# When generating a TLSCiphertext record, implementations MAY choose to
//# pad.

//= https://www.rfc-editor.org/rfc/rfc8446#section-6.1
//= type=exception
//= reason=The engine never sends user_canceled.
//# This alert SHOULD be followed by a "close_notify".

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
//= type=exception
//= reason=The engine never retries a connection with a lower version.
//# Multiple connection attempts may be required in order to negotiate a
//# backward-compatible connection; however, this practice is vulnerable to
//# downgrade attacks and is NOT RECOMMENDED.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
//= type=exception
//= reason=Sections 5.1 and D require legacy_record_version to be ignored, so records of any version
//= reason=are accepted (as the RFC notes may happen).
//# Implementations SHOULD NOT accept any records with a version less than
//# 0x0300 (but may inadvertently do so if the record version number is
//# ignored completely).
