#ifndef BIANZHI_CZLIB_SHIM_H
#define BIANZHI_CZLIB_SHIM_H
#include <zlib.h>
#endif
