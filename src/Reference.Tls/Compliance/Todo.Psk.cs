// RFC 8446 requirements for PSK key establishment, 0-RTT early data and session tickets, which are planned but not built yet.
// This file holds only citations (duvet reads comments); see compliance/README.md.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.9
//= type=todo
//# Servers SHOULD NOT send NewSessionTicket with tickets that are not
//# compatible with the advertised modes; however, if a server does so, the
//# impact will just be that the client's attempts at resumption fail.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If backward compatibility is important, client-provided, externally
//# established PSKs SHOULD influence cipher suite selection.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If the server supplies an "early_data" extension, the client MUST verify
//# that the server's selected_identity is 0.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.2.11
//= type=todo
//# If any other value is returned, the client MUST abort the handshake with
//# an "illegal_parameter" alert.

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

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# If such an indication is provided (externally or by any other means),
//# clients MAY resume with a different SNI value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Note: Although the resumption master secret depends on the client's
//# second flight, a server which does not request client authentication MAY
//# compute the remainder of the transcript independently and then send a
//# NewSessionTicket immediately upon sending its Finished rather than
//# waiting for the client Finished.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# A server MAY treat a ticket as valid for a shorter period of time than
//# what is stated in the ticket_lifetime.

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
