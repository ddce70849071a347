# The FastAPI program that examples/fullstack ports to stdapi, for the line
# counts in the README ("Coming from FastAPI"). Not run in CI. It needs
# fastapi, pyjwt, passlib[bcrypt], python-multipart and jinja2:
#   uvicorn main:app --port 8000
from datetime import datetime, timedelta, timezone
from typing import Annotated

import jwt
from fastapi import (BackgroundTasks, Depends, FastAPI, File, Form, Header,
                     HTTPException, Query, Request, Security, UploadFile,
                     WebSocket, WebSocketException, status)
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRouter
from fastapi.security import (OAuth2PasswordBearer, OAuth2PasswordRequestForm,
                              SecurityScopes)
from fastapi.templating import Jinja2Templates
from passlib.context import CryptContext
from pydantic import BaseModel, EmailStr, Field

SECRET_KEY = "an example secret of at least 32 bytes, change it"
ALGORITHM = "HS256"
TOKEN_TTL = timedelta(minutes=30)
X_TOKEN = "fake-super-secret-token"

pwd = CryptContext(schemes=["bcrypt"], deprecated="auto")
oauth2 = OAuth2PasswordBearer(tokenUrl="token",
                              scopes={"me": "Read your profile", "items": "Read and write items"})
templates = Jinja2Templates(directory="templates")


class User(BaseModel):
    username: str = Field(min_length=3, max_length=32)
    email: EmailStr
    full_name: str | None = None
    disabled: bool = False


class SignUp(User):
    password: str = Field(min_length=8)


class ItemIn(BaseModel):
    title: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=300)
    price: float = Field(gt=0)


class Item(ItemIn):
    id: int
    owner: str


class UnicornException(Exception):
    def __init__(self, name: str):
        self.name = name


class Store:  # the in-memory database
    def __init__(self):
        self.users: dict[str, tuple[User, str]] = {}
        self.items: list[Item] = []
        self.next_id = 1


store = Store()
outbox: list[str] = []
notifications: dict[str, set[WebSocket]] = {"items": set(), "users": set()}


class Session:
    def __init__(self, store: Store):
        self.store = store

    def close(self):
        pass


def get_db():
    db = Session(store)
    try:
        yield db
    finally:
        db.close()


DB = Annotated[Session, Depends(get_db)]


async def get_current_user(security_scopes: SecurityScopes, db: DB,
                           token: Annotated[str, Depends(oauth2)]) -> User:
    authenticate = f'Bearer scope="{security_scopes.scope_str}"' if security_scopes.scopes else "Bearer"
    unauthorized = HTTPException(status.HTTP_401_UNAUTHORIZED, "Could not validate credentials",
                                 headers={"WWW-Authenticate": authenticate})
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        raise unauthorized
    for scope in security_scopes.scopes:
        if scope not in payload.get("scope", "").split():
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not enough permissions",
                                headers={"WWW-Authenticate": authenticate})
    found = db.store.users.get(payload.get("sub"))
    if found is None:
        raise unauthorized
    if found[0].disabled:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Inactive user")
    return found[0]


async def verify_token(x_token: Annotated[str, Header()]):
    if x_token != X_TOKEN:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "X-Token header invalid")


app = FastAPI(title="Full stack", version="1.0.0")
app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"], allow_credentials=True,
                   allow_methods=["*"], allow_headers=["Authorization", "Content-Type", "X-Token"])


@app.exception_handler(UnicornException)
async def unicorn_handler(request: Request, exc: UnicornException):
    return JSONResponse(status_code=418, content={"message": f"Oops! {exc.name} did something."})


async def notify(room: str, data: dict):
    for ws in list(notifications[room]):
        await ws.send_json(data)


@app.post("/token", tags=["users"])
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    found = store.users.get(form.username)
    if not found or not pwd.verify(form.password, found[1]):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Incorrect username or password")
    claims = {"sub": form.username, "scope": " ".join(form.scopes),
              "exp": datetime.now(timezone.utc) + TOKEN_TTL}
    return {"access_token": jwt.encode(claims, SECRET_KEY, algorithm=ALGORITHM), "token_type": "bearer"}


@app.post("/users", status_code=201, response_model=User, tags=["users"],
          responses={409: {"description": "Username already registered"}})
async def sign_up(body: SignUp, db: DB, background: BackgroundTasks):
    if body.username in db.store.users:
        raise HTTPException(status.HTTP_409_CONFLICT, "Username already registered")
    user = User(**body.model_dump(exclude={"password"}))
    db.store.users[user.username] = (user, pwd.hash(body.password))
    background.add_task(outbox.append, f"{user.email}: Welcome, {user.username}!")
    background.add_task(notify, "users", user.model_dump())
    return user


@app.get("/users/me", response_model=User, tags=["users"])
async def read_me(user: Annotated[User, Security(get_current_user, scopes=["me"])]):
    return user


items = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(verify_token)],
                  responses={404: {"description": "Item not found"}})
ItemsUser = Annotated[User, Security(get_current_user, scopes=["items"])]


def find(db: Session, item_id: int) -> int:
    for i, it in enumerate(db.store.items):
        if it.id == item_id:
            return i
    raise HTTPException(status.HTTP_404_NOT_FOUND, f"Item {item_id} not found")


@items.get("/", response_model=list[Item])
async def list_items(db: DB, user: ItemsUser, skip: Annotated[int, Query(ge=0)] = 0,
                     limit: Annotated[int, Query(ge=1, le=100)] = 10):
    return db.store.items[skip:skip + limit]


@items.post("/", status_code=201, response_model=Item)
async def create_item(body: ItemIn, db: DB, user: ItemsUser, background: BackgroundTasks):
    item = Item(**body.model_dump(), id=db.store.next_id, owner=user.username)
    db.store.next_id += 1
    db.store.items.append(item)
    background.add_task(notify, "items", item.model_dump())
    return item


@items.get("/{item_id}", response_model=Item)
async def read_item(item_id: Annotated[int, Field(ge=1)], db: DB, user: ItemsUser):
    return db.store.items[find(db, item_id)]


@items.put("/{item_id}", response_model=Item)
async def replace_item(item_id: Annotated[int, Field(ge=1)], body: ItemIn, db: DB, user: ItemsUser):
    i = find(db, item_id)
    db.store.items[i] = Item(**body.model_dump(), id=item_id, owner=db.store.items[i].owner)
    return db.store.items[i]


@items.delete("/{item_id}", status_code=204)
async def delete_item(item_id: Annotated[int, Field(ge=1)], db: DB, user: ItemsUser):
    del db.store.items[find(db, item_id)]


app.include_router(items)


@app.post("/files", tags=["files"])
async def upload(file: Annotated[UploadFile, File()],
                 description: Annotated[str, Form(max_length=200)] = ""):
    data = await file.read()
    return {"filename": file.filename, "size": len(data), "description": description}


@app.get("/unicorns/{name}")
async def read_unicorn(name: str):
    if name == "yolo":
        raise UnicornException(name=name)
    return {"unicorn_name": name}


@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket, token: str | None = None, topic: str = "items"):
    try:
        jwt.decode(token or "", SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION)
    if topic not in notifications:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION)
    await websocket.accept()
    notifications[topic].add(websocket)
    try:
        while True:
            await websocket.receive_text()
    finally:
        notifications[topic].discard(websocket)


@app.get("/", response_class=HTMLResponse)
async def index(request: Request):
    return templates.TemplateResponse(request, "index.html")
