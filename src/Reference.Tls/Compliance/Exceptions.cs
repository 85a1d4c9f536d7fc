// RFC 8446 requirements for features the engine deliberately does not implement (TLS 1.2 and earlier, post-handshake client authentication, OCSP, oid_filters) and requirements addressed to future specifications.
// This file holds only citations (duvet reads comments); see compliance/README.md.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If a server established a TLS connection with a previous version of TLS
//# and receives a TLS 1.3 ClientHello in a renegotiation, it MUST retain
//# the previous protocol version.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# In particular, it MUST NOT negotiate TLS 1.3.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# A client which has a cached session ID set by a pre-TLS 1.3 server
//# SHOULD set this field to that value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# Note that TLS 1.3 servers might receive TLS 1.2 or prior ClientHellos
//# which contain other compression methods and (if negotiating such a prior
//# version) MUST follow the procedures for the appropriate prior version of
//# TLS.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If negotiating a version of TLS prior to 1.3, a server MUST check that
//# the message either contains no data after legacy_compression_methods or
//# that it contains a valid extensions block with no data following.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If not, then it MUST abort the handshake with a "decode_error" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# TLS 1.3 servers which negotiate TLS 1.2 or below in response to a
//# ClientHello MUST set the last 8 bytes of their Random value specially in
//# their ServerHello.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If negotiating TLS 1.2, TLS 1.3 servers MUST set the last 8 bytes of
//# their Random value to the bytes:

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If negotiating TLS 1.1 or below, TLS 1.3 servers MUST, and TLS 1.2
//# servers SHOULD, set the last 8 bytes of their ServerHello.Random value
//# to the bytes:

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# TLS 1.3 clients receiving a ServerHello indicating TLS 1.2 or below MUST
//# check that the last 8 bytes are not equal to either of these values.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# TLS 1.2 clients SHOULD also check that the last 8 bytes are not equal to
//# the second value if the ServerHello indicates TLS 1.1 or below.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If a match is found, the client MUST abort the handshake with an
//# "illegal_parameter" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# A legacy TLS client performing renegotiation with TLS 1.2 or prior and
//# which receives a TLS 1.3 ServerHello during renegotiation MUST abort the
//# handshake with a "protocol_version" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If this extension is not present, servers which are compliant with this
//# specification and which also support TLS 1.2 MUST negotiate TLS 1.2 or
//# prior as specified in [RFC5246], even if ClientHello.legacy_version is
//# 0x0304 or later.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# Implementations of TLS 1.3 which choose to support prior versions of TLS
//# SHOULD support TLS 1.2.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.1
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# A server which negotiates a version of TLS prior to TLS 1.3 MUST set
//# ServerHello.version and MUST NOT send the "supported_versions"
//# extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# TLS 1.2 implementations SHOULD also process this extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# TLS 1.3 implementations willing to negotiate TLS 1.2 MUST behave in
//# accordance with the requirements of [RFC5246] when negotiating that
//# version.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# -  TLS 1.2 ClientHellos MAY omit this extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If TLS 1.2 is negotiated, implementations MUST be prepared to accept a
//# signature that uses any curve that they advertised in the
//# "supported_groups" extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# -  Implementations that advertise support for RSASSA-PSS (which is
//# mandatory in TLS 1.3) MUST be prepared to accept a signature using that
//# scheme even when TLS 1.2 is negotiated.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# In order to maximize interoperability with older endpoints,
//# implementations that negotiate the use of TLS 1.0-1.2 SHOULD set the
//# record layer version number to the negotiated version for the
//# ServerHello and all records thereafter.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# For maximum compatibility with previously non-standard behavior and
//# misconfigured deployments, all implementations SHOULD support validation
//# of certification paths based on the expectations in this document, even
//# when handling prior TLS versions' handshakes (see Section 4.4.2.2).

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# Because TLS 1.3 always hashes in the transcript up to the server
//# Finished, implementations which support both TLS 1.3 and earlier
//# versions SHOULD indicate the use of the Extended Master Secret extension
//# in their APIs whenever TLS 1.3 is used.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.2
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# If the "supported_versions" extension is not present, the server MUST
//# negotiate the minimum of ClientHello.legacy_version and TLS 1.2.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# Implementations negotiating the use of older versions of TLS SHOULD
//# prefer forward secret and AEAD cipher suites, when available.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.5
//= type=exception
//= reason=The engine negotiates TLS 1.3 only (TLS 1.2 and earlier are not implemented); a
//= reason=ClientHello or ServerHello that does not select TLS 1.3 is rejected with protocol_version.
//# Implementations are NOT RECOMMENDED to accept an SSL version 2.0
//# compatible CLIENT-HELLO in order to negotiate older versions of TLS.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=exception
//= reason=Addressed to the authors of future specifications, not to implementations of this one.
//# Future extensions MUST define their interaction with 0-RTT.

//= https://www.rfc-editor.org/rfc/rfc8446#section-5.1
//= type=exception
//= reason=Addressed to the authors of future specifications, not to implementations of this one.
//# Any future content types MUST specify appropriate rules.

//= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
//= type=exception
//= reason=Addressed to the authors of future specifications, not to implementations of this one.
//# Future specifications MUST NOT define a use of exporters that permit
//# both an empty context and no context with the same label.

//= https://www.rfc-editor.org/rfc/rfc8446#section-7.5
//= type=exception
//= reason=Addressed to the authors of future specifications, not to implementations of this one.
//# New uses of exporters SHOULD provide a context in all exporter
//# computations, though the value could be empty.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.6
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# Servers MUST NOT send a post-handshake CertificateRequest to clients
//# which do not offer this extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# When requesting post-handshake authentication, the server SHOULD make
//# the context unpredictable to the client (e.g., by randomly generating
//# it) in order to prevent an attacker who has temporary access to the
//# client's private key from pre-computing valid CertificateVerify
//# messages.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# When the client has sent the "post_handshake_auth" extension (see
//# Section 4.2.6), a server MAY request client authentication at any time
//# after the handshake has completed by sending a CertificateRequest
//# message.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# The client MUST respond with the appropriate Authentication messages
//# (see Section 4.4).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# If the client chooses to authenticate, it MUST send Certificate,
//# CertificateVerify,

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# If it declines, it MUST send a Certificate message containing no
//# certificates followed by Finished.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# All of the client's messages for a given response MUST appear
//# consecutively on the wire with no intervening messages of other types.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# Note: Because client authentication could involve prompting the user,
//# servers MUST be prepared for some delay, including receiving an
//# arbitrary number of other messages between sending the
//# CertificateRequest and receiving a response.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.2
//= type=exception
//= reason=Post-handshake client authentication is not supported: the client never offers
//= reason=post_handshake_auth and the server never sends a post-handshake CertificateRequest.
//# In addition, clients which receive multiple CertificateRequests in close
//# succession MAY respond to them in a different order than they were
//# received (the certificate_request_context value allows the server to
//# disambiguate the responses).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
//= type=exception
//= reason=OCSP stapling (status_request) and status_request_v2 are not supported: the engine neither
//= reason=requests nor sends certificate status.
//# Specifically, the body of the "status_request" extension from the server
//# MUST be a CertificateStatus structure as defined in [RFC6066], which is
//# interpreted as defined in [RFC6960].

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
//= type=exception
//= reason=OCSP stapling (status_request) and status_request_v2 are not supported: the engine neither
//= reason=requests nor sends certificate status.
//# A server MAY request that a client present an OCSP response with its
//# certificate by sending an empty "status_request" extension in its
//# CertificateRequest message.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.1
//= type=exception
//= reason=OCSP stapling (status_request) and status_request_v2 are not supported: the engine neither
//= reason=requests nor sends certificate status.
//# If the client opts to send an OCSP response, the body of its
//# "status_request" extension MUST be a CertificateStatus structure as
//# defined in [RFC6066].

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
//= type=exception
//= reason=oid_filters is not supported (nor by s2n-tls): the server never sends it, and the client chooses among
//= reason=its configured chains by signature algorithms and certificate_authorities only, ignoring any filters.
//# If the server has included a non-empty filters list, the client
//# certificate included in the response MUST contain all of the specified
//# extension OIDs that the client recognizes.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
//= type=exception
//= reason=oid_filters is not supported (nor by s2n-tls): the server never sends it, and the client chooses among
//= reason=its configured chains by signature algorithms and certificate_authorities only, ignoring any filters.
//# For each extension OID recognized by the client, all of the specified
//# values MUST be present in the client certificate (but the certificate
//# MAY have other values as well).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
//= type=exception
//= reason=oid_filters is not supported (nor by s2n-tls): the server never sends it, and the client chooses among
//= reason=its configured chains by signature algorithms and certificate_authorities only, ignoring any filters.
//# However, the client MUST ignore and skip any unrecognized certificate
//# extension OIDs.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
//= type=exception
//= reason=oid_filters is not supported (nor by s2n-tls): the server never sends it, and the client chooses among
//= reason=its configured chains by signature algorithms and certificate_authorities only, ignoring any filters.
//# If the client ignored some of the required certificate extension OIDs
//# and supplied a certificate that does not satisfy the request, the server
//# MAY at its discretion either continue the connection without client
//# authentication or abort the handshake with an "unsupported_certificate"
//# alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
//= type=exception
//= reason=oid_filters is not supported (nor by s2n-tls): the server never sends it, and the client chooses among
//= reason=its configured chains by signature algorithms and certificate_authorities only, ignoring any filters.
//# Any given OID MUST NOT appear more than once in the filters list.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.5
//= type=exception
//= reason=oid_filters is not supported (nor by s2n-tls): the server never sends it, and the client chooses among
//= reason=its configured chains by signature algorithms and certificate_authorities only, ignoring any filters.
//# The special anyExtendedKeyUsage OID MUST NOT be used in the request.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2.3
//= type=exception
//= reason=oid_filters is not supported (nor by s2n-tls): the server never sends it, and the client chooses among
//= reason=its configured chains by signature algorithms and certificate_authorities only, ignoring any filters.
//# -  If the CertificateRequest message contained a non-empty "oid_filters"
//# extension, the end-entity certificate MUST match the extension OIDs that
//# are recognized by the client, as described in Section 4.2.5.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=exception
//= reason=psk_ke (PSK-only key establishment) is never offered or accepted: like s2n, the engine supports psk_dhe_ke only,
//= reason=so the server is never "in this mode" and always sends key_share (see TlsConnection.SendServerHello).
//# In this mode, the server MUST NOT supply a "key_share" value.
