// RFC 8446 requirements for PSK key establishment, 0-RTT early data and session tickets, which are planned but not built yet.
// This file holds only citations (duvet reads comments); see compliance/README.md.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.1
//= type=todo
//# If the server selects a PSK, then it MUST also select a key
//# establishment mode from the set indicated by the client's
//# "psk_key_exchange_modes" extension (at present, PSK alone or with
//# (EC)DHE).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.2
//= type=todo
//# If the client is attempting a PSK key establishment, it SHOULD advertise
//# at least one cipher suite indicating a Hash associated with the PSK.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.1.4
//= type=todo
//# In addition, in its updated ClientHello, the client SHOULD NOT offer any
//# pre-shared keys associated with a hash other than that of the selected
//# cipher suite.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# In order to use PSKs, clients MUST also send a "psk_key_exchange_modes"
//# extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# A client MUST provide a "psk_key_exchange_modes" extension if it offers
//# a "pre_shared_key" extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# If clients offer "pre_shared_key" without a "psk_key_exchange_modes"
//# extension, servers MUST abort the handshake.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# Servers MUST NOT select a key exchange mode that is not listed by the
//# client.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# Servers SHOULD NOT send NewSessionTicket with tickets that are not
//# compatible with the advertised modes; however, if a server does so, the
//# impact will just be that the client's attempts at resumption fail.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# The server MUST NOT send a "psk_key_exchange_modes" extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# In this mode, the server MUST NOT supply a "key_share" value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# In this mode, the client and server MUST supply "key_share" values as
//# described in Section 4.2.8.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# For identities established externally, an obfuscated_ticket_age of 0
//# SHOULD be used, and servers MUST ignore the value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# For externally established PSKs, the Hash algorithm MUST be set when

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# The server MUST ensure that it selects a compatible PSK (if any) and
//# cipher suite.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# Clients, however, SHOULD store the SNI with the PSK to fulfill the
//# requirements of Section 4.6.1.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# Any unknown PSKs (e.g., ones not in the PSK database or encrypted with
//# an unknown key) SHOULD simply be ignored.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If no acceptable PSKs are found, the server SHOULD perform a non-PSK
//# handshake if possible.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If backward compatibility is important, client-provided, externally
//# established PSKs SHOULD influence cipher suite selection.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# Prior to accepting PSK key establishment, the server MUST validate the
//# corresponding binder value (see Section 4.2.11.2 below).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If this value is not present or does not validate, the server MUST abort
//# the handshake.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# Servers SHOULD NOT attempt to validate multiple binders; rather, they
//# SHOULD select a single PSK and validate solely the binder that
//# corresponds to that PSK.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# Clients MUST verify that the server's selected_identity is within the
//# range supplied by the client, that the server selected a cipher suite
//# indicating a Hash associated with the PSK, and that a server "key_share"
//# extension is present if required by the ClientHello
//# "psk_key_exchange_modes" extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If these values are not consistent, the client MUST abort the handshake
//# with an "illegal_parameter" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If the server supplies an "early_data" extension, the client MUST verify
//# that the server's selected_identity is 0.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If any other value is returned, the client MUST abort the handshake with
//# an "illegal_parameter" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# The "pre_shared_key" extension MUST be the last extension in the
//# ClientHello (this facilitates implementation as described below).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# Servers MUST check that it is the last extension and otherwise fail the
//# handshake with an "illegal_parameter" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
//= type=todo
//# When multiple extensions of different types are present, the extensions
//# MAY appear in any order, with the exception of "pre_shared_key" (Section
//# 4.2.11) which MUST be the last extension in the ClientHello (but can
//# appear anywhere in the ServerHello extensions block).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.3.2
//= type=todo
//# Servers which are authenticating with a PSK MUST NOT send the
//# CertificateRequest message in the main handshake, though they MAY send
//# it in post-handshake authentication (see Section 4.6.2) provided that
//# the client has sent the "post_handshake_auth" extension (see Section
//# 4.2.6).

//= https://www.rfc-editor.org/rfc/rfc8446#section-6.2
//= type=todo
//# Sending this alert is OPTIONAL; servers MAY instead choose to send a
//# "decrypt_error" alert to merely indicate an invalid PSK identity.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# If the client opts to do so, it MUST supply both the "pre_shared_key"
//# and "early_data" extensions.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# The PSK used to encrypt the early data MUST be the first PSK listed in
//# the client's "pre_shared_key" extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# For PSKs provisioned via NewSessionTicket, a server MUST validate that
//# the ticket age for the selected PSK identity (computed by subtracting
//# ticket_age_add from PskIdentity.obfuscated_ticket_age modulo 2^32) is
//# within a small tolerance of the time since the ticket was issued (see
//# Section 8).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# If it is not, the server SHOULD proceed with the handshake but reject
//# 0-RTT, and SHOULD NOT take any other action that assumes that this
//# ClientHello is fresh.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# A server which receives an "early_data" extension MUST behave in one of
//# three ways:

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# A client MUST NOT include the "early_data" extension in its followup
//# ClientHello.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# In order to accept early data, the server MUST have accepted a PSK
//# cipher suite and selected the first key offered in the client's
//# "pre_shared_key" extension.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# In addition, it MUST verify that the following values are the same as
//# those associated with the selected PSK:

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# If any of these checks fail, the server MUST NOT respond with the
//# extension and must discard all the first-flight data using one of the
//# first two mechanisms listed above (thus falling back to 1-RTT or 2-RTT).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# If the server chooses to accept the "early_data" extension, then it MUST
//# comply with the same error-handling requirements specified for all
//# records when processing early data records.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# Specifically, if the server fails to decrypt a 0-RTT record following an
//# accepted "early_data" extension, it MUST terminate the connection with a
//# "bad_record_mac" alert as per Section 5.2.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# If the server rejects the "early_data" extension, the client application
//# MAY opt to retransmit the Application Data previously sent in early data
//# once the handshake has been completed.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# A TLS implementation SHOULD NOT automatically resend early data;
//# applications are in a better position to decide when retransmission is
//# appropriate.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.10
//= type=todo
//# A TLS implementation MUST NOT automatically resend early data unless the
//# negotiated connection selects the same ALPN protocol.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.3
//= type=todo
//# In order to avoid deadlocks, when accepting "early_data", servers MUST
//# process the client's ClientHello and then immediately send their flight
//# of messages, rather than waiting for the client's EndOfEarlyData message
//# before sending its ServerHello.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
//= type=todo
//# If the server sent an "early_data" extension in EncryptedExtensions, the
//# client MUST send an EndOfEarlyData message after receiving the server
//# Finished.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.5
//= type=todo
//# If the server does not send an "early_data" extension in
//# EncryptedExtensions, then the client MUST NOT send an EndOfEarlyData
//# message.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
//= type=todo
//# Note that 0-RTT data is not compatible with older servers and SHOULD NOT
//# be sent absent knowledge that the server supports TLS 1.3.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.3
//= type=todo
//# A client that attempts to send 0-RTT data MUST fail a connection if it
//# receives a ServerHello with TLS 1.2 or older.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.3
//= type=todo
//# To avoid a downgrade attack, the client SHOULD NOT disable TLS 1.3, only
//# 0-RTT.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.3
//= type=todo
//# To avoid this error condition, multi-server deployments SHOULD ensure a
//# uniform and stable deployment of TLS 1.3 without 0-RTT prior to enabling
//# 0-RTT.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# A server receiving more than max_early_data_size bytes of 0-RTT data
//# SHOULD terminate the connection with an "unexpected_message" alert.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Note that servers that reject early data due to lack of cryptographic
//# material will be unable to differentiate padding from content, so
//# clients SHOULD NOT depend on being able to send large quantities of
//# padding in early data records.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2
//= type=todo
//# The server MAY also send unsolicited extensions in the NewSessionTicket,
//# though the client does not respond directly to these.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11.1
//= type=todo
//# Clients MUST NOT attempt to use tickets which have ages greater than the
//# "ticket_lifetime" value which was provided with the ticket.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# At any time after the server has received the client Finished message,
//# it MAY send a NewSessionTicket message.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# The client MAY use this PSK for future handshakes by including the
//# ticket value in the "pre_shared_key" extension in its ClientHello
//# (Section 4.2.11).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Servers MAY send multiple tickets on a single connection, either
//# immediately after each other or after specific events (see Appendix
//# C.4).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Any ticket MUST only be resumed with a cipher suite that has the same
//# KDF hash algorithm as that used to establish the original connection.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Clients MUST only resume if the new SNI value is valid for the server
//# certificate presented in the original session and SHOULD only resume if
//# the SNI value matches the one used in the original session.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# If such an indication is provided (externally or by any other means),
//# clients MAY resume with a different SNI value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# On resumption, if reporting an SNI value to the calling application,
//# implementations MUST use the value sent in the resumption ClientHello
//# rather than the value sent in the previous session.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Note: Although the resumption master secret depends on the client's
//# second flight, a server which does not request client authentication MAY
//# compute the remainder of the transcript independently and then send a
//# NewSessionTicket immediately upon sending its Finished rather than
//# waiting for the client Finished.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Servers MUST NOT use any value greater than 604800 seconds (7 days).

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Clients MUST NOT cache tickets for longer than 7 days, regardless of the
//# ticket_lifetime, and MAY delete tickets earlier based on local policy.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# A server MAY treat a ticket as valid for a shorter period of time than
//# what is stated in the ticket_lifetime.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# The server MUST generate a fresh value for each ticket it sends.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# It MAY be either a database lookup key or a self-encrypted and
//# self-authenticated value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# It is RECOMMENDED that implementations place limits on the total
//# lifetime of such keying material; these limits should take into account
//# the lifetime of the peer's certificate, the likelihood of intervening
//# revocation, and the time since the peer's online CertificateVerify
//# signature.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
//= type=todo
//# A client using a ticket for resumption SHOULD initiate the connection
//# using the version that was previously negotiated.
