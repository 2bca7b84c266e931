// StartTimer / CancelTimer with setTimeout; answers TimerFired.
#pragma once

namespace peerline::browser::timers {

void start(int timer, int ms);  // restarting a running timer replaces it
void cancel(int timer);

}  // namespace peerline::browser::timers
