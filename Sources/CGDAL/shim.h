// The parts of GDAL/OGR/OSR that GeoIO uses, plus static inline wrappers for what
// Swift cannot call directly (macros, variadic functions).
#ifndef SITSCUBE_CGDAL_SHIM_H
#define SITSCUBE_CGDAL_SHIM_H

#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <gdalwarper.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

/// GDAL_OF_* flags are macros of type int; this gives them one unsigned type.
static inline unsigned int sc_open_flags(int raster, int vector, int update) {
    unsigned int f = GDAL_OF_VERBOSE_ERROR;
    if (raster) f |= GDAL_OF_RASTER;
    if (vector) f |= GDAL_OF_VECTOR;
    f |= update ? GDAL_OF_UPDATE : GDAL_OF_READONLY;
    return f;
}

/// CPLError is variadic; Swift code raises a plain message through this.
static inline void sc_cpl_error(int err_class, int err_no, const char *message) {
    CPLError((CPLErr)err_class, (CPLErrorNum)err_no, "%s", message);
}

#endif
