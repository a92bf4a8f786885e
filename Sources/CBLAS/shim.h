// OpenBLAS's CBLAS interface; the include path comes from pkg-config openblas.
#ifndef SITSCUBE_CBLAS_SHIM_H
#define SITSCUBE_CBLAS_SHIM_H
#include <cblas.h>
#endif
