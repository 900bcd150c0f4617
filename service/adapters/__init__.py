"""Adapters: what turns the outside world (files, zips) into the core's package model."""
