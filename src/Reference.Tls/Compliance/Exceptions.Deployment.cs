// RFC 8446 requirements outside the engine-scope sections (§8, §9, §11, Appendices C and E) that are addressed
// to applications, middleboxes or IANA, or that the engine does not meet, each with the reason.
// This file holds only citations (duvet reads comments); see compliance/README.md.

//= https://www.rfc-editor.org/rfc/rfc8446#section-8
//= type=exception
//= reason=Addressed to the application: the engine sends 0-RTT bytes only when the application hands them to
//= reason=TlsConnection.WriteEarlyData (or the early-data TlsStream overloads); which bytes are safe to replay
//= reason=is a property of the application protocol that the engine cannot judge.
//# Therefore, in normal
//# operation, clients will not know which, if any, of these mechanisms
//# servers actually implement and hence MUST only send early data which
//# they deem safe to be replayed.

//= https://www.rfc-editor.org/rfc/rfc8446#section-8
//= type=exception
//= reason=The record of accepted 0-RTT ClientHellos (EarlyDataReplayFilter) is in-process memory: one instance is
//= reason=shared by the connections of a TlsConfig, but the engine has no store shared between processes or
//= reason=machines, so it cannot go below "at most once per server instance"; only the ticket-age window
//= reason=(EarlyDataTicketAgeTolerance, 10 s by default) bounds when a replay to another instance can be accepted.
//# servers SHOULD
//# limit 0-RTT replays further when feasible.

//= https://www.rfc-editor.org/rfc/rfc8446#section-8
//= type=exception
//= reason=Addressed to applications: the RFC states that this class of attack (an application retrying
//= reason=after a failed or rejected 0-RTT attempt) cannot be prevented at the TLS layer.
//# The second class of attack cannot be prevented at the TLS layer and
//# MUST be dealt with by any application.

//= https://www.rfc-editor.org/rfc/rfc8446#section-8.2
//= type=exception
//= reason=Not implemented: a freshly created EarlyDataReplayFilter is empty and accepts 0-RTT at once; there is no
//= reason=startup quarantine. A restarted server that keeps its SessionTicketKey could therefore accept a replay
//= reason=of a 0-RTT ClientHello recorded by its previous run within the ticket-age window. 0-RTT is off unless
//= reason=the server sets TlsConfig.MaxEarlyDataSize (default 0).
//# When implementations are freshly started, they SHOULD reject 0-RTT as
//# long as any portion of their recording window overlaps the startup
//# time.

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
//= type=exception
//= reason=The engine has no setting that makes a server require server_name: a
//= reason=ClientHello without it is served with the configured certificates (CertificateSelection).
//# Servers MAY require clients to send a valid "server_name" extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.2
//= type=exception
//= reason=The engine's servers never require server_name (see the MAY above), so there is no such server.
//# Servers requiring this extension SHOULD respond to a ClientHello
//# lacking a "server_name" extension by terminating the connection with
//# a "missing_extension" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
//= type=exception
//= reason=The engine negotiates TLS 1.3 only and does not keep earlier protocol versions or their parameters to
//= reason=interoperate with older endpoints; a peer that cannot speak TLS 1.3 fails with protocol_version.
//# At the same
//# time, deployments update at different rates, so a newer client or
//# server MAY continue to support older parameters, which would allow it
//# to interoperate with older endpoints.

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
//= type=exception
//= reason=Met with the default configuration, which offers only suites, groups, versions and schemes the engine
//= reason=implements (TlsConfig.Validate refuses unsupported groups). A configuration built with
//= reason=TlsConfig.FromPolicy reproduces C s2n-tls's ClientHello byte for byte, so it also advertises that
//= reason=policy's TLS 1.2 version, TLS 1.2 cipher suites, ec_point_formats and extended_master_secret (and, for
//= reason=20190801, SHA-224 signature schemes) that the engine cannot use; a server selecting one of them is
//= reason=refused (protocol_version, illegal_parameter or handshake_failure), never negotiated.
//# A client sending a ClientHello MUST support all parameters
//# advertised in it.

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
//= type=exception
//= reason=Addressed to middleboxes: the engine is a TLS endpoint (client or server), never a middlebox.
//# A middlebox which terminates a TLS connection MUST behave as a
//# compliant TLS server (to the original client), including having a
//# certificate which the client is willing to accept, and also as a
//# compliant TLS client (to the original server), including verifying
//# the original server's certificate.  In particular, it MUST
//# generate its own ClientHello containing only parameters it
//# understands, and it MUST generate a fresh ServerHello random
//# value, rather than forwarding the endpoint's value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
//= type=exception
//= reason=Addressed to middleboxes: the engine is a TLS endpoint (client or server), never a middlebox.
//# A middlebox which forwards ClientHello parameters it does not
//# understand MUST NOT process any messages beyond that ClientHello.
//# It MUST forward all subsequent traffic unmodified.

//= https://www.rfc-editor.org/rfc/rfc8446#section-9.3
//= type=exception
//= reason=A permission for future TLS extensions, stated to warn middleboxes; it asks nothing of an endpoint.
//# These additions MAY
//# change any message beyond the ClientHello arbitrarily.

//= https://www.rfc-editor.org/rfc/rfc8446#section-11
//= type=exception
//= reason=Addressed to IANA and the IESG (registry policy for the SignatureScheme registry), not to implementations.
//# rsa_pss_pss_sha256, rsa_pss_pss_sha384, rsa_pss_pss_sha512, and
//# ed25519.  The "Recommended" column is assigned a value of "N"
//# unless explicitly requested, and adding a value with a
//# "Recommended" value of "Y" requires Standards Action [RFC8126].
//# IESG Approval is REQUIRED for a Y->N transition.

//= https://www.rfc-editor.org/rfc/rfc8446#section-11
//= type=exception
//= reason=Addressed to IANA and the IESG (registry policy for the PskKeyExchangeMode registry), not to implementations.
//# psk_dhe_ke (1).  Both are marked as "Recommended".  The
//# "Recommended" column is assigned a value of "N" unless explicitly
//# requested, and adding a value with a "Recommended" value of "Y"
//# requires Standards Action [RFC8126].  IESG Approval is REQUIRED
//# for a Y->N transition.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-A.1
//= type=exception
//= reason=Not done, as in C s2n-tls: the client switches its send key to the handshake key only when it sends
//= reason=its second flight (after the server Finished, or at EndOfEarlyData), exactly where s2n's client key
//= reason=schedule does (tls/s2n_tls13_key_schedule.c), so an alert the client sends while processing the
//= reason=server's EncryptedExtensions to Finished goes out in the clear, or under the early data key.
//# If clients need to send such alerts, they
//# SHOULD first rekey to the handshake keys if possible.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.2
//= type=exception
//= reason=Not enforced by the engine: peer chains are checked for signature, validity, name and scheme, but no
//= reason=minimum or maximum RSA modulus is imposed by the engine, as in C
//= reason=s2n-tls's default policies, which carry no certificate key size preferences. EC keys are bounded by the
//= reason=curves the signature schemes allow (P-256, P-384, P-521, Ed25519). The trust store's CAs are relied on.
//# Applications SHOULD also enforce minimum and maximum key sizes.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.3
//= type=exception
//= reason=Every security-critical random value (Hello randoms, key share private values, ticket_age_add, ticket
//= reason=nonces) comes from the system CSPRNG (RandomNumberGenerator, see TlsRandom), and signing nonces from the
//= reason=platform's (OpenSSL through .NET, BouncyCastle's SecureRandom); but ECDSA signatures are randomized (.NET's
//= reason=ECDsa, as C s2n-tls uses libcrypto's randomized ECDSA), not RFC 6979 deterministic: RFC 6979 nonces
//= reason=(DeterministicSigning) are used only in the reproducible test mode TlsConfig.DangerousDeterministicRandom.
//# -  Do you use a strong and, most importantly, properly seeded random
//# number generator (see Appendix C.1) when generating Diffie-Hellman
//# private values, the ECDSA "k" parameter, and other security-
//# critical values?  It is RECOMMENDED that implementations implement
//# "deterministic ECDSA" as specified in [RFC6979].

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.4
//= type=exception
//= reason=The client never picks a ticket itself: the application passes a TlsSession to CreateClient, as it passes
//= reason=session bytes to s2n_connection_set_session in C s2n-tls, which does not stop reuse either. Each
//= reason=NewSessionTicket arrives as its own TlsSession (ReceivedSessions), so an application can use each once.
//# Clients SHOULD NOT reuse a ticket for multiple connections.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-C.4
//= type=exception
//= reason=The server cannot know how many connections a client will open; it sends TlsConfig.SessionTicketCount
//= reason=tickets per connection, 1 by default as C s2n-tls's initial ticket count, and the operator raises it.
//# Servers that issue tickets SHOULD offer at least as many tickets as
//# the number of connections that a client might use; for example, a web
//# browser using HTTP/1.1 [RFC7230] might open six connections to a
//# server.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1
//= type=exception
//= reason=Addressed to the application: it chooses the exported length (ExportKeyingMaterial accepts 1 to
//= reason=255 hash lengths, RFC 8446 section 7.5) and whether the value is used as a channel binding.
//# Note: Exporters can produce arbitrary-length values; if exporters are
//# to be used as channel bindings, the exported value MUST be large
//# enough to provide collision resistance.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.1.4
//= type=exception
//= reason=The set of exporter labels is never known to the engine: ExportKeyingMaterial takes any label at any time
//= reason=after the handshake (the RFC 5705 interface, as s2n_connection_tls_exporter), so the secrets are kept until
//= reason=the connection fails or is disposed.
//# If the
//# total set of exporter labels is known, then implementations SHOULD
//# pre-compute the inner Derive-Secret stage of the exporter computation
//# for all those labels, then erase the [early_]exporter_master_secret,
//# followed by each inner value as soon as it is known that it will not
//# be needed again.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.5
//= type=exception
//= reason=Addressed to the application: the engine sends as 0-RTT data only the bytes the application writes with
//= reason=WriteEarlyData, and never resends them; what is safe to replay is the application's judgement.
//# Because clients
//# do not know the exact details of server behavior, they MUST NOT send
//# messages in early data which are not safe to have replayed and which
//# they would not be willing to retry across multiple 1-RTT connections.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.5
//= type=exception
//= reason=Addressed to application protocols, not to the TLS implementation.
//# Application protocols MUST NOT use 0-RTT data without a profile that
//# defines its use.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-E.5.1
//= type=exception
//= reason=Addressed to the application, which chooses what it derives from ExportEarlyKeyingMaterial; its
//= reason=documentation warns against server-to-client keys and channel bindings.
//# In addition, the early exporter SHOULD NOT be used to generate
//# server-to-client encryption keys because that would entail the reuse
//# of those keys.
