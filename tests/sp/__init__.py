"""Tests of the S-P model (lacrima.sp) and the session simulator."""
