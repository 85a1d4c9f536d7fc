// RFC 8446 requirements for PSK key establishment, 0-RTT early data and session tickets, which are planned but not built yet.
// This file holds only citations (duvet reads comments); see compliance/README.md.

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
//# If such an indication is provided (externally or by any other means),
//# clients MAY resume with a different SNI value.

//= https://www.rfc-editor.org/rfc/rfc8446#section-4.6.1
//= type=todo
//# Note: Although the resumption master secret depends on the client's
//# second flight, a server which does not request client authentication MAY
//# compute the remainder of the transcript independently and then send a
//# NewSessionTicket immediately upon sending its Finished rather than
//# waiting for the client Finished.

//= https://www.rfc-editor.org/rfc/rfc8446#appendix-D.1
//= type=todo
//# A client using a ticket for resumption SHOULD initiate the connection
//# using the version that was previously negotiated.
