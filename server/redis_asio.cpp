#include "redis_asio.hpp"

#include <memory>

namespace peerline::server {
namespace {

// Shared between hiredis (through ev.data) and the waits in flight: the context can be freed
// inside redisAsyncHandleRead, under a wait's handler, and the handler must see that.
struct Events : std::enable_shared_from_this<Events> {
    Events(redisAsyncContext* c, net::io_context& ioc) : context(c), socket(ioc, c->c.fd) {}

    redisAsyncContext* context;  // null once hiredis cleaned up
    net::posix::stream_descriptor socket;
    bool reading = false;        // hiredis wants readability reported
    bool writing = false;
    bool read_waiting = false;   // a wait is in flight
    bool write_waiting = false;

    void arm_read() {
        if (!context || !reading || read_waiting) return;
        read_waiting = true;
        socket.async_wait(net::posix::stream_descriptor::wait_read,
                          [self = shared_from_this()](const boost::system::error_code& ec) {
                              self->read_waiting = false;
                              if (ec || !self->context || !self->reading) return;
                              redisAsyncHandleRead(self->context);  // may free the context
                              self->arm_read();
                          });
    }
    void arm_write() {
        if (!context || !writing || write_waiting) return;
        write_waiting = true;
        socket.async_wait(net::posix::stream_descriptor::wait_write,
                          [self = shared_from_this()](const boost::system::error_code& ec) {
                              self->write_waiting = false;
                              if (ec || !self->context || !self->writing) return;
                              redisAsyncHandleWrite(self->context);  // may free the context
                              self->arm_write();
                          });
    }
};

// ev.data holds a heap shared_ptr so the hooks (plain C function pointers) can reach the state.
std::shared_ptr<Events>& events(void* data) { return *static_cast<std::shared_ptr<Events>*>(data); }

void add_read(void* data) {
    auto& e = events(data);
    e->reading = true;
    e->arm_read();
}
void del_read(void* data) { events(data)->reading = false; }
void add_write(void* data) {
    auto& e = events(data);
    e->writing = true;
    e->arm_write();
}
void del_write(void* data) { events(data)->writing = false; }

void cleanup(void* data) {
    auto* holder = static_cast<std::shared_ptr<Events>*>(data);
    auto& e = *holder;
    e->context = nullptr;
    e->reading = e->writing = false;
    // Give the socket back without closing it (hiredis closes it); waits in flight end with
    // operation_aborted and find no context.
    boost::system::error_code ignored;
    e->socket.cancel(ignored);
    e->socket.release();
    delete holder;
}

}  // namespace

bool attach_to_asio(redisAsyncContext* context, net::io_context& ioc) {
    if (context == nullptr || context->ev.data != nullptr || context->c.fd < 0) return false;
    auto* holder = new std::shared_ptr<Events>(std::make_shared<Events>(context, ioc));
    context->ev.data = holder;
    context->ev.addRead = add_read;
    context->ev.delRead = del_read;
    context->ev.addWrite = add_write;
    context->ev.delWrite = del_write;
    context->ev.cleanup = cleanup;
    return true;
}

}  // namespace peerline::server
