// Declarations only (see include/CFuzzerDriver.h); SwiftPM needs a source file per C target.
#include "CFuzzerDriver.h"
