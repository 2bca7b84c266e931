// Namespace aliases shared by the server's Beast code, as in Beast's examples.
#pragma once

#include <chrono>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace peerline::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// The server runs one io_context on one thread (main.cpp), which is an implicit strand (as
// Beast's single-threaded examples say): no handler of a session can run concurrently with
// another. So sockets and timers use the io_context's own executor, not a strand per connection
// and not the type-erased any_io_executor: profiled, those cost ~10 % of the relay's CPU.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using TcpStream = beast::basic_stream<tcp, Executor>;
using Timer = net::basic_waitable_timer<std::chrono::steady_clock,
                                        net::wait_traits<std::chrono::steady_clock>, Executor>;

}  // namespace peerline::server
