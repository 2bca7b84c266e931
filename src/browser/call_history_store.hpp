// Where the call history lives in the browser: localStorage under one key (a few KB of JSON the
// core writes and checks on reading, call_history.hpp). LoadCallHistory answers at once with
// CallHistoryLoaded; a change made by another tab of this page arrives the same way (the
// "storage" event), so two open tabs keep one list.
#pragma once

#include <string>

namespace peerline::browser::call_history_store {

void watch();  // listens for other tabs' changes
void load();
void save(const std::string& json);  // a full or blocked storage is ignored: the list stays in the page

}  // namespace peerline::browser::call_history_store
