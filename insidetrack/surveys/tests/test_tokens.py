import pytest

from insidetrack.surveys.tokens import InvalidLink, make_token, new_nonce, read_token


def test_round_trip():
    nonce = new_nonce()
    assert read_token(make_token(invitation_pk=42, nonce=nonce)) == (42, nonce)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2], lambda t: t.replace(":", ";", 1), lambda t: "x" + t,
                                    lambda t: "", lambda t: t * 5])
def test_forged_or_mangled_links_are_refused(mangle):
    with pytest.raises(InvalidLink):
        read_token(mangle(make_token(invitation_pk=42, nonce=new_nonce())))


def test_another_invitations_key_cannot_be_swapped_in():
    token = make_token(invitation_pk=42, nonce="abc")
    payload, signature = token.rsplit(":", 1)
    other = make_token(invitation_pk=43, nonce="abc")
    with pytest.raises(InvalidLink):
        read_token(other.rsplit(":", 1)[0] + ":" + signature)
    assert payload != other.rsplit(":", 1)[0]
