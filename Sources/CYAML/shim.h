#ifndef BIANZHI_CYAML_SHIM_H
#define BIANZHI_CYAML_SHIM_H
#include <yaml.h>
#endif
