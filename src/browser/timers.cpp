#include "timers.hpp"

#include <map>

#include <emscripten/bind.h>

#include "js.hpp"
#include "shell.hpp"

namespace peerline::browser::timers {
namespace {

std::map<int, double> running;  // core timer id -> setTimeout handle

void on_timer(int timer) {
    if (running.erase(timer) == 0) return;  // cancelled after the browser queued it
    dispatch(TimerFired{timer});
}

}  // namespace

void start(int timer, int ms) {
    cancel(timer);
    val handle = val::global("setTimeout")(callback("onTimer", timer), ms < 0 ? 0 : ms);
    running[timer] = handle.as<double>();
}

void cancel(int timer) {
    auto found = running.find(timer);
    if (found == running.end()) return;
    val::global("clearTimeout")(found->second);
    running.erase(found);
}

EMSCRIPTEN_BINDINGS(peerline_timers) { emscripten::function("onTimer", &on_timer); }

}  // namespace peerline::browser::timers
