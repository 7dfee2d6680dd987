/* jsonlib.h -- json-glib, loaded the first time `report --index` reads a
 * report.json (formats/dynlib.h).
 *
 * It is the only reader of JSON in the flamekit binary, and json-glib
 * brought GIO and GObject with it (libmount, libselinux, libblkid, libffi,
 * libgmodule): 0.9 ms of every run's start on this machine (an empty
 * program linked with them starts in 3.2 ms against 2.3). */
#pragma once

#include <json-glib/json-glib.h>

#include "../formats/dynlib.h"

/* Every function report.c calls on JSON, g_object_unref among them (found
 * in json-glib's own libraries). */
#define FK_JSON_FUNCTIONS(X)                                                                       \
  X(g_object_unref)                                                                                \
  X(json_array_get_element)                                                                        \
  X(json_array_get_length)                                                                         \
  X(json_node_get_node_type)                                                                       \
  X(json_node_get_object)                                                                          \
  X(json_node_get_string)                                                                          \
  X(json_node_get_value_type)                                                                      \
  X(json_object_get_array_member)                                                                  \
  X(json_object_get_member)                                                                        \
  X(json_object_has_member)                                                                        \
  X(json_parser_get_root)                                                                          \
  X(json_parser_load_from_file)                                                                    \
  X(json_parser_new)

typedef struct {
  FK_JSON_FUNCTIONS(FK_DYNLIB_FIELD)
} FkJsonLib;

/* The table, loaded on the first call; NULL, with ERROR set (may be NULL)
 * saying why, when json-glib cannot be loaded. */
const FkJsonLib *fk_json_lib(GError **error);
