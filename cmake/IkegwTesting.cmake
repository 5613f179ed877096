# Helpers shared by every module's tests, so each test directory stays a few lines.
#
# ikegw_add_unit_test(NAME SOURCES a.c b.c LIBS lib1 lib2)
#   a cmocka executable registered with ctest, label "unit".
# ikegw_add_fuzzer(NAME SOURCES a.c LIBS lib CORPUS dir)
#   a libFuzzer target (LLVMFuzzerTestOneInput). In an IKEGW_FUZZ build it links
#   -fsanitize=fuzzer and registers "fuzzsmoke-NAME" (a short timed run, label
#   fuzzsmoke); in every other build it links a replay driver and registers
#   "fuzz-replay-NAME" (label fuzz) which runs every committed corpus file.

set(IKEGW_FUZZ_SMOKE_SECONDS 20 CACHE STRING "Seconds per fuzz target in the smoke run")

function(ikegw_add_unit_test name)
	cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
	add_executable(${name} ${T_SOURCES})
	target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
	add_test(NAME ${name} COMMAND ${name})
	set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300)
endfunction()

function(ikegw_add_fuzzer name)
	cmake_parse_arguments(F "" "CORPUS" "SOURCES;LIBS" ${ARGN})
	if(IKEGW_FUZZ)
		add_executable(${name} ${F_SOURCES})
		target_link_libraries(${name} PRIVATE ${F_LIBS})
		target_link_options(${name} PRIVATE -fsanitize=fuzzer)
		set(workdir ${CMAKE_CURRENT_BINARY_DIR}/${name}-corpus)
		add_test(NAME fuzzsmoke-${name}
			COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
				sh -c "mkdir -p ${workdir} && exec $<TARGET_FILE:${name}> -max_total_time=${IKEGW_FUZZ_SMOKE_SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${workdir} ${F_CORPUS}")
		set_tests_properties(fuzzsmoke-${name} PROPERTIES LABELS fuzzsmoke
			TIMEOUT 600)
	else()
		add_executable(${name} ${F_SOURCES}
			${PROJECT_SOURCE_DIR}/tests/fuzz/common/replay_main.c)
		target_link_libraries(${name} PRIVATE ${F_LIBS})
		add_test(NAME fuzz-replay-${name} COMMAND ${name} ${F_CORPUS})
		set_tests_properties(fuzz-replay-${name} PROPERTIES LABELS fuzz TIMEOUT 300)
	endif()
endfunction()
