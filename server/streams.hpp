// The two byte streams a client connection runs over. Sessions are templates on them; the few
// places where TLS differs ask kIsTls.
#pragma once

#include <type_traits>

#include <boost/beast/ssl.hpp>

#include "net.hpp"

namespace peerline::server {

using PlainStream = TcpStream;
using TlsStream = beast::ssl_stream<TcpStream>;

template <typename Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

}  // namespace peerline::server
