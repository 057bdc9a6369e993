# Clang + libstdc++ 12+ + C++20 + LibTorch 1.13: clang rejects LibTorch's headers because
# libstdc++'s std::vector is constexpr in C++20 and clang instantiates vector<c10::IValue>'s
# members before c10::IValue is complete (pytorch/pytorch#97689). g++ accepts them. For a clang
# build (the asan preset, INITLAB_FUZZ) we put first on the include path copies of
# bits/stl_vector.h and bits/vector.tcc whose vector<T> members are not constexpr
# (tools/clang_libstdcxx_compat.py says why that is safe). Nothing changes for g++.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND INITLAB_WITH_TORCH)
  find_file(INITLAB_LIBSTDCXX_STL_VECTOR bits/stl_vector.h PATHS ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES} NO_DEFAULT_PATH)
  if(INITLAB_LIBSTDCXX_STL_VECTOR)
    file(READ "${INITLAB_LIBSTDCXX_STL_VECTOR}" _stl_vector)
    string(FIND "${_stl_vector}" "_GLIBCXX20_CONSTEXPR" _constexpr_vector)
    if(_constexpr_vector GREATER -1)
      find_package(Python3 REQUIRED COMPONENTS Interpreter)
      get_filename_component(_bits "${INITLAB_LIBSTDCXX_STL_VECTOR}" DIRECTORY)
      set(_compat "${CMAKE_BINARY_DIR}/clang-libstdcxx-compat")
      execute_process(COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/tools/clang_libstdcxx_compat.py "${_bits}" "${_compat}"
                      RESULT_VARIABLE _rc)
      if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "initlab: tools/clang_libstdcxx_compat.py failed (${_rc})")
      endif()
      include_directories(BEFORE SYSTEM "${_compat}")
      message(STATUS "initlab: clang with libstdc++ (${_bits}): std::vector<T> without constexpr from ${_compat} (LibTorch's headers need it)")
    endif()
  endif()
endif()
