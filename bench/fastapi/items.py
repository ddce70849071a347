# The seed greetings application (app.py) plus the twin of the Go
# implementations' POST /users/me/items/{id}, for bench/run's second
# end-to-end scenario: an HS256 bearer JWT (kid "bench", exp required,
# scope "me"), a path id >= 1, a query limit 1-100 (default 10), a required
# X-Token header and a validated JSON body, answered 201 with the item.
# Run it from this directory, on FastAPI's fastest local set-up:
#   python3 -m uvicorn items:app --loop uvloop --http httptools --workers 2
from typing import Literal, Optional

import jwt
from fastapi import Depends, Header, HTTPException, Path, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, confloat, conint, constr

from app import app

SECRET = b"stdapi-bench-hs256-secret-0123456789"  # bench.Secret, public
bearer = HTTPBearer()


class ItemBody(BaseModel):
    name: constr(min_length=1, max_length=50)
    price: confloat(gt=0, lt=10000)
    quantity: conint(ge=0, le=1000) = 0
    category: Literal["food", "tools", "toys"]
    sku: Optional[constr(min_length=8, max_length=8)] = None


class Item(BaseModel):
    id: int
    limit: int
    name: str
    price: float
    quantity: int
    category: str


def user(cred: HTTPAuthorizationCredentials = Depends(bearer)) -> dict:
    try:
        if jwt.get_unverified_header(cred.credentials).get("kid") != "bench":
            raise jwt.InvalidTokenError("unknown key")
        claims = jwt.decode(cred.credentials, SECRET, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.InvalidTokenError:
        raise HTTPException(401, "Invalid authentication credentials",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if "me" not in claims.get("scope", "").split():
        raise HTTPException(403, "Not enough permissions",
                            headers={"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="me"'})
    return claims


@app.post("/users/me/items/{id}", response_model=Item, status_code=201)
async def create_item(body: ItemBody, id: int = Path(ge=1), limit: int = Query(10, ge=1, le=100),
                      x_token: str = Header(), claims: dict = Depends(user)):
    return Item(id=id, limit=limit, name=body.name, price=body.price,
                quantity=body.quantity, category=body.category)
