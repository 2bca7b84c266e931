// Drives a hiredis async context (libhiredis-dev 0.14) from the server's Asio loop. hiredis ships
// adapters for libev, libuv and others but none for Asio; this one is the same idea: hiredis says
// when it wants to read or write (its addRead/delRead/addWrite/delWrite hooks), and a
// stream_descriptor over its socket waits for readiness and calls redisAsyncHandleRead/Write.
// The descriptor never reads or writes, and never closes the socket: hiredis owns it.
#pragma once

#include <hiredis/async.h>

#include "net.hpp"

namespace peerline::server {

// Attach `context` (fresh from redisAsyncConnect, nothing attached yet) to `ioc`. False if it
// cannot be attached (already attached, or no socket). hiredis calls the cleanup hook when it
// frees the context; waits in flight then end without touching it.
bool attach_to_asio(redisAsyncContext* context, net::io_context& ioc);

}  // namespace peerline::server
