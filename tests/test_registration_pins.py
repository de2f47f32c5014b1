"""PIN hashing: slow argon2id hashes, right PINs pass, wrong ones and the dummy hash do not."""
from __future__ import annotations

import time

from argon2 import PasswordHasher

from azukari.households import pins


def test_a_pin_verifies_against_its_own_hash() -> None:
    assert pins.verify_pin(pins.hash_pin("4821"), "4821")


def test_a_wrong_pin_does_not_verify() -> None:
    assert not pins.verify_pin(pins.hash_pin("4821"), "4822")


def test_the_hash_does_not_contain_the_pin() -> None:
    assert "48213579" not in pins.hash_pin("48213579")


def test_two_hashes_of_one_pin_differ_because_each_is_salted() -> None:
    assert pins.hash_pin("4821") != pins.hash_pin("4821")


def test_a_garbled_hash_is_a_failed_verify_not_a_crash() -> None:
    assert not pins.verify_pin("not-a-hash", "4821")


def test_no_short_pin_verifies_against_the_dummy_hash() -> None:
    assert not any(pins.verify_pin(pins.DUMMY_HASH, pin) for pin in ("0000", "1234", "4821", ""))


def test_the_dummy_hash_uses_the_same_parameters_as_real_hashes() -> None:
    hasher = PasswordHasher(time_cost=pins.TIME_COST, memory_cost=pins.MEMORY_COST_KIB,
                            parallelism=pins.PARALLELISM)
    assert not hasher.check_needs_rehash(pins.DUMMY_HASH)


def test_one_verify_is_slow_enough_to_hinder_guessing() -> None:
    pin_hash = pins.hash_pin("4821")
    started = time.perf_counter()
    pins.verify_pin(pin_hash, "0000")
    assert time.perf_counter() - started > 0.005
